package org.consentfhir.audit;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Patch;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.consentfhir.interceptors.audit.TokenAuditContext;
import org.consentfhir.interceptors.auth.AccessToken;

/**
 * {@code /fhir/AuditEvent}, served from the {@link AuditEventStore} instead of HAPI's JPA storage:
 * read, create (an audit source's own record, stamped with its real sender, stored durably like
 * the server's), and search by
 * {@code patient}, {@code type}, {@code subtype} and {@code date}, newest first, up to {@code _count}
 * (default {@value #DEFAULT_COUNT}, at most {@value #MAX_COUNT}) in one page. Update, patch and
 * delete are refused with 405: the trail is immutable.
 */
public class AuditEventResourceProvider implements IResourceProvider {

	static final int DEFAULT_COUNT = 100;
	static final int MAX_COUNT = 1000;

	private final AuditEventStore store;
	private final DurableAuditSink sink;

	public AuditEventResourceProvider(AuditEventStore store, DurableAuditSink sink) {
		this.store = store;
		this.sink = sink;
	}

	@Override
	public Class<? extends IBaseResource> getResourceType() {
		return AuditEvent.class;
	}

	@Read
	public AuditEvent read(@IdParam IdType id) {
		return store.read(id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
	}

	/**
	 * A client's own AuditEvent (only an audit source may send one: AuditEventAccessInterceptor):
	 * its {@code source} is what the server knows of the sender, whatever the client wrote there.
	 */
	@Create
	public MethodOutcome create(@ResourceParam AuditEvent event, RequestDetails request) {
		if (!event.hasType()) {
			throw new InvalidRequestException("An AuditEvent needs a type");
		}
		stampSender(event, request);
		sink.recordAuditEvent(event);
		return new MethodOutcome(new IdType("AuditEvent", event.getIdElement().getIdPart()), true).setResource(event);
	}

	@Search
	public List<AuditEvent> search(
			@OptionalParam(name = AuditEvent.SP_PATIENT) ReferenceParam patient,
			@OptionalParam(name = AuditEvent.SP_TYPE) TokenOrListParam type,
			@OptionalParam(name = AuditEvent.SP_SUBTYPE) TokenOrListParam subtype,
			@OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
			@Count Integer count) {
		Instant from = date == null || date.getLowerBoundAsInstant() == null ? null : date.getLowerBoundAsInstant().toInstant();
		Instant to = date == null || date.getUpperBoundAsInstant() == null ? null : date.getUpperBoundAsInstant().toInstant();
		int limit = count == null ? DEFAULT_COUNT : Math.max(1, Math.min(MAX_COUNT, count));
		String patientId = patient == null ? null : patient.getIdPart();
		return store.search(new AuditEventStore.Criteria(patientId, tokens(type), tokens(subtype), from, to, limit));
	}

	@Update
	public MethodOutcome update(@IdParam IdType id, @ResourceParam AuditEvent event) {
		throw refused("updated");
	}

	@Patch
	public MethodOutcome patch(@IdParam IdType id, PatchTypeEnum type, @ResourceParam String body) {
		throw refused("patched");
	}

	@Delete
	public MethodOutcome delete(@IdParam IdType id, @ConditionalUrlParam String conditional) {
		throw refused("deleted");
	}

	private static void stampSender(AuditEvent event, RequestDetails request) {
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		AuditEvent.AuditEventSourceComponent source = new AuditEvent.AuditEventSourceComponent();
		source.setSite(request.getFhirServerBase());
		source.setObserver(new Reference()
				.setIdentifier(new Identifier().setSystem(TokenAuditContext.CLIENT_ID_SYSTEM)
						.setValue(token == null || token.clientId() == null ? "unknown" : token.clientId()))
				.setDisplay("reported by " + (token == null ? "an unauthenticated request" : token.describe())));
		source.addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
		event.setSource(source);
	}

	private static Set<String> tokens(TokenOrListParam tokens) {
		if (tokens == null) {
			return Set.of();
		}
		return tokens.getValuesAsQueryTokens().stream()
				.map(t -> t.getSystem() == null || t.getSystem().isEmpty() ? t.getValue() : t.getSystem() + "|" + t.getValue())
				.collect(Collectors.toSet());
	}

	private static MethodNotAllowedException refused(String what) {
		return new MethodNotAllowedException("AuditEvents are immutable: an AuditEvent cannot be " + what);
	}
}
