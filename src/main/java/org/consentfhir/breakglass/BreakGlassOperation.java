package org.consentfhir.breakglass;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;
import org.consentfhir.interceptors.consent.BreakGlassConsents;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;

/**
 * Emergency access to one patient's record.
 *
 * <ul>
 *   <li>{@code POST Patient/{id}/$break-glass} with {@code reason} (free text, required) and
 *       {@code duration} (ISO-8601 such as {@code PT2H}; default and cap from {@link BreakGlassProperties}):
 *       stores a break-glass Consent for the calling practitioner from now to the expiry
 *       ({@link BreakGlassConsents}), raises a Flag on the patient, audits "Emergency Override Started".
 *       Answers Parameters {@code consent}, {@code expires}, {@code flag}.</li>
 *   <li>{@code POST Patient/{id}/$break-glass-end}: ends the caller's active overrides of this patient
 *       now (status inactive, period closed), closes their flags, audits "Emergency Override Stopped".</li>
 * </ul>
 * Only a practitioner user whose role is one of the configured break-glass roles may call them.
 */
public class BreakGlassOperation implements FhirOperation {

	private static final int MAX_REASON_LENGTH = 1000;

	private final IFhirResourceDao<Consent> consents;
	private final DaoRegistry daos;
	private final BreakGlassFlags flags;
	private final ConsentCallers callers;
	private final AccessAuditEvents events;
	private final IBalpAuditEventSink audit;
	private final BreakGlassProperties properties;
	private final Set<Role> roles;
	private final Clock clock;

	public BreakGlassOperation(DaoRegistry daos, BreakGlassFlags flags, ConsentCallers callers, AccessAuditEvents events,
			IBalpAuditEventSink audit, BreakGlassProperties properties, Clock clock) {
		this.consents = daos.getResourceDao(Consent.class);
		this.daos = daos;
		this.flags = flags;
		this.callers = callers;
		this.events = events;
		this.audit = audit;
		this.properties = properties;
		this.roles = properties.resolvedRoles();
		this.clock = clock;
	}

	/** Under a scope that reads Consents; who may break the glass (roles, a practitioner user) is the operation's own rule. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of(
				OperationRule.onPatient("$break-glass", "Consent", "Consent", false),
				OperationRule.onPatient("$break-glass-end", "Consent", "Consent", false));
	}

	@Operation(name = "$break-glass", type = Patient.class)
	public Parameters breakGlass(
			@IdParam IdType patientId,
			@OperationParam(name = "reason", min = 1, max = 1) StringType reason,
			@OperationParam(name = "duration", max = 1) StringType duration,
			RequestDetails request) {
		String practitioner = practitionerAllowedToBreakGlass(request);
		String why = reason == null || reason.getValue() == null ? "" : reason.getValue().strip();
		if (why.isEmpty() || why.length() > MAX_REASON_LENGTH) {
			throw new InvalidRequestException("reason is required: free text of 1 to " + MAX_REASON_LENGTH + " characters");
		}
		String patient = existingPatient(patientId);
		Instant start = clock.instant();
		Instant end = start.plus(durationOf(duration));

		Consent consent = BreakGlassConsents.create(patient, practitioner, why, start, end);
		String consentId = consents.create(consent, new SystemRequestDetails()).getId().toUnqualifiedVersionless().getValue();
		String flagId = flags.raise(patient, describe(request), why, consentId, end);
		audit.recordAuditEvent(events.breakGlass(request, callers.of(request), patient, consentId, why, true));

		Parameters answer = new Parameters();
		answer.addParameter().setName("consent").setValue(new Reference(consentId));
		answer.addParameter().setName("expires").setValue(new InstantType(Date.from(end)));
		answer.addParameter().setName("flag").setValue(new Reference(flagId));
		return answer;
	}

	@Operation(name = "$break-glass-end", type = Patient.class)
	public Parameters breakGlassEnd(@IdParam IdType patientId, RequestDetails request) {
		String practitioner = practitionerAllowedToBreakGlass(request);
		String patient = existingPatient(patientId);
		Instant now = clock.instant();
		Parameters answer = new Parameters();
		for (Consent consent : activeOverrides(patient, practitioner, now)) {
			consent.setStatus(Consent.ConsentState.INACTIVE);
			consent.getProvision().getPeriod().setEnd(Date.from(now));
			consents.update(consent, new SystemRequestDetails());
			String consentId = consent.getIdElement().toUnqualifiedVersionless().getValue();
			flags.end(consentId, now);
			audit.recordAuditEvent(events.breakGlass(request, callers.of(request), patient, consentId, "ended by " + describe(request), false));
			answer.addParameter().setName("ended").setValue(new Reference(consentId));
		}
		if (!answer.hasParameter()) {
			throw new UnprocessableEntityException("There is no active break-glass access of " + practitioner + " to Patient/" + patient);
		}
		return answer;
	}

	private List<Consent> activeOverrides(String patient, String practitioner, Instant now) {
		SearchParameterMap search = SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patient));
		return consents.search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(Consent.class::cast)
				.filter(c -> BreakGlassConsents.grants(c, Set.of(practitioner), now))
				.toList();
	}

	private String practitionerAllowedToBreakGlass(RequestDetails request) {
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null || token.role() == null || !roles.contains(token.role())) {
			throw new ForbiddenOperationException("Break-the-glass is allowed to the roles "
					+ properties.roles().stream().sorted().toList() + " only");
		}
		ConsentCaller caller = callers.of(request);
		String practitioner = caller.actors().stream().filter(a -> a.startsWith("Practitioner/")).findFirst()
				.orElseThrow(() -> new ForbiddenOperationException("Break-the-glass needs a practitioner user (fhirUser Practitioner/…)"));
		try {
			daos.getResourceDao(Practitioner.class).read(new IdType(practitioner), new SystemRequestDetails());
		} catch (ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException | ca.uhn.fhir.rest.server.exceptions.ResourceGoneException e) {
			throw new UnprocessableEntityException("The caller's fhirUser " + practitioner + " is not a Practitioner on this server");
		}
		return practitioner;
	}

	private String existingPatient(IdType patientId) {
		return daos.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), new SystemRequestDetails())
				.getIdElement().getIdPart();
	}

	private Duration durationOf(StringType requested) {
		if (requested == null || requested.getValue() == null || requested.getValue().isBlank()) {
			return properties.defaultDuration();
		}
		Duration duration;
		try {
			duration = Duration.parse(requested.getValue().strip());
		} catch (DateTimeParseException e) {
			throw new InvalidRequestException("duration must be an ISO-8601 duration such as PT2H or PT30M, not: " + requested.getValue());
		}
		if (duration.isNegative() || duration.isZero()) {
			throw new InvalidRequestException("duration must be positive");
		}
		return duration.compareTo(properties.maxDuration()) > 0 ? properties.maxDuration() : duration;
	}

	private static String describe(RequestDetails request) {
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		return token == null ? "unknown" : token.describe();
	}
}
