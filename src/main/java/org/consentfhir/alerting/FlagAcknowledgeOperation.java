package org.consentfhir.alerting;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.time.Clock;
import java.util.Date;
import java.util.Set;
import org.consentfhir.interceptors.alerting.AlertRule;
import org.consentfhir.interceptors.audit.AuditCaptureInterceptor;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import java.util.List;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;

/**
 * {@code POST Flag/{id}/$acknowledge}: a clinician (or an admin) has seen an alert and closes it.
 * The Flag becomes inactive, its period ends now, and {@value #ACKNOWLEDGED_BY} names who; the next
 * crossing of the same rule raises a new Flag. Allowed to the acknowledge roles
 * ({@code fhir.alerting.acknowledge-roles}) for alert Flags only; audited as a BALP PatientUpdate of
 * the Flag. It answers the Flag's id, status and end, and nothing else of the record.
 */
public class FlagAcknowledgeOperation implements FhirOperation {

	public static final String ACKNOWLEDGED_BY = "https://consentfhir.org/fhir/StructureDefinition/alert-acknowledged-by";

	private final IFhirResourceDao<Flag> flags;
	private final Set<Role> roles;
	private final Clock clock;
	private final AuditCaptureInterceptor audit;

	FlagAcknowledgeOperation(DaoRegistry daos, Set<Role> roles, Clock clock, AuditCaptureInterceptor audit) {
		this.flags = daos.getResourceDao(Flag.class);
		this.roles = Set.copyOf(roles);
		this.clock = clock;
		this.audit = audit;
	}

	/** Any token may ask; who may acknowledge an alert (doctor, admin) is the operation's own rule, and it shows no record. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of((rules, scopes, patient) -> rules.allow("$acknowledge of an alert Flag")
				.operation().named("$acknowledge").onInstancesOfType(Flag.class).andAllowAllResponses());
	}

	@Operation(name = "$acknowledge", type = Flag.class)
	public Parameters acknowledge(
			@IdParam IdType flagId,
			@OperationParam(name = "note", max = 1) StringType note,
			RequestDetails request) {
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null || token.role() == null || !roles.contains(token.role())) {
			throw new ForbiddenOperationException("Alerts are acknowledged by the roles "
					+ roles.stream().map(Role::id).sorted().toList() + " only");
		}
		Flag flag = flags.read(flagId.toUnqualifiedVersionless(), new SystemRequestDetails());
		if (flag.getCode().getCoding().stream().noneMatch(c -> AlertRule.CODE_SYSTEM.equals(c.getSystem()))) {
			throw new UnprocessableEntityException(flagId.toUnqualifiedVersionless().getValue() + " is not an alert Flag");
		}
		if (flag.getStatus() != Flag.FlagStatus.ACTIVE) {
			throw new UnprocessableEntityException(flagId.toUnqualifiedVersionless().getValue() + " is not active (" + flag.getStatus().toCode() + ")");
		}
		Flag before = flag.copy();
		flag.setStatus(Flag.FlagStatus.INACTIVE);
		flag.getPeriod().setEnd(Date.from(clock.instant()));
		Reference who = new Reference(token.fhirUser() != null ? token.fhirUser() : "urn:consentfhir:client:" + token.clientId());
		if (note != null && note.hasValue()) {
			who.setDisplay(note.getValue());
		}
		flag.addExtension(ACKNOWLEDGED_BY, who);
		flag.setId(flag.getIdElement().toUnqualifiedVersionless());
		var outcome = flags.update(flag, new SystemRequestDetails());
		if (request instanceof ServletRequestDetails servletRequest) {
			audit.hookStoragePrecommitResourceUpdated(before, outcome.getResource(), servletRequest);
		}
		Parameters answer = new Parameters();
		answer.addParameter().setName("flag").setValue(new Reference(outcome.getId().toUnqualified().getValue()));
		answer.addParameter().setName("status").setValue(new StringType(flag.getStatus().toCode()));
		answer.addParameter().setName("end").setValue(flag.getPeriod().getEndElement());
		return answer;
	}
}
