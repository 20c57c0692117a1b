package org.consentfhir.abdm;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;
import org.consentfhir.interceptors.auth.SmartScope;
import org.consentfhir.interceptors.auth.SmartScope.Context;
import org.consentfhir.interceptors.auth.SmartScope.Permission;

/**
 * {@code POST /fhir/$abdm-consent-notify}: the consent manager's notification to this HIP (ABDM HIP
 * API {@code /v0.5/consents/hip/notify}; the body is that JSON as the gateway sends it, relayed by
 * the site's gateway connector). A GRANTED artefact becomes a FHIR Consent
 * ({@link AbdmConsentArtefacts}); a later notification of the same consentId (REVOKED, EXPIRED,
 * DENIED) sets that Consent's status, and a revocation also ends its period now. The Consent is
 * written with the caller's own request (SMART scopes on Consent, audit). Answers the Consent's
 * reference and status; the connector acknowledges to the gateway ({@code on-notify}) itself.
 */
public class AbdmConsentNotifyOperation implements FhirOperation {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final DaoRegistry daos;
	private final IFhirResourceDao<Consent> consents;
	private final IFhirResourceDao<Patient> patients;

	AbdmConsentNotifyOperation(DaoRegistry daos) {
		this.daos = daos;
		this.consents = daos.getResourceDao(Consent.class);
		this.patients = daos.getResourceDao(Patient.class);
	}

	/** The ABDM gateway connector relays consent artefacts: a system scope that creates and updates Consents; the Consent writes are checked again as such. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of(OperationRule.whenAnyScope(AbdmConsentNotifyOperation::writesConsentsForTheSystem,
				rules -> rules.allow("$abdm-consent-notify, for a system scope that creates and updates Consents")
						.operation().named("$abdm-consent-notify").onServer().andAllowAllResponses()));
	}

	static boolean writesConsentsForTheSystem(SmartScope scope) {
		return scope.context() == Context.SYSTEM && scope.coversType("Consent")
				&& scope.allows(Permission.CREATE) && scope.allows(Permission.UPDATE);
	}

	@Operation(name = "$abdm-consent-notify", manualRequest = true)
	public Parameters notify(RequestDetails request) {
		byte[] body = request.loadRequestContents();
		JsonNode notification;
		String status;
		String consentId;
		try {
			notification = JSON.readTree(body).path("notification");
			status = AbdmConsentArtefacts.required(notification, "status");
			AbdmConsentArtefacts.statusOf(status);
			consentId = notification.hasNonNull("consentId") ? notification.get("consentId").asText()
					: AbdmConsentArtefacts.required(notification.path("consentDetail"), "consentId");
		} catch (IOException | IllegalArgumentException e) {
			throw new InvalidRequestException("Not an ABDM consent notification: " + e.getMessage());
		}
		Consent existing = AbdmConsentArtefacts.stored(daos, consentId);
		Consent written;
		if (existing == null) {
			if (!notification.has("consentDetail")) {
				throw new ResourceNotFoundException("No consent artefact " + consentId + " was granted to this HIP");
			}
			written = create(notification.get("consentDetail"), status, body, request);
		} else {
			existing.setStatus(AbdmConsentArtefacts.statusOf(status));
			if ("REVOKED".equals(status)) {
				existing.getProvision().getPeriod().setEnd(new Date());
			}
			existing.setId(existing.getIdElement().toUnqualifiedVersionless());
			written = (Consent) consents.update(existing, request).getResource();
		}
		Parameters answer = new Parameters();
		answer.addParameter().setName("consent").setValue(new Reference(written.getIdElement().toUnqualifiedVersionless().getValue()));
		answer.addParameter().setName("status").setValue(new StringType(written.getStatus().toCode()));
		return answer;
	}

	private Consent create(JsonNode detail, String status, byte[] body, RequestDetails request) {
		String abhaAddress;
		Consent consent;
		try {
			abhaAddress = AbdmConsentArtefacts.required(detail.path("patient"), "id");
			List<String> found = patientsWithAbha(abhaAddress);
			if (found.size() != 1) {
				throw new UnprocessableEntityException(found.isEmpty()
						? "No patient of this HIP has the ABHA address " + abhaAddress
						: "Several patients have the ABHA address " + abhaAddress);
			}
			consent = AbdmConsentArtefacts.toConsent(detail, status, found.get(0), body);
		} catch (IllegalArgumentException e) {
			throw new InvalidRequestException("Not an ABDM consent artefact: " + e.getMessage());
		}
		return (Consent) consents.create(consent, request).getResource();
	}

	private List<String> patientsWithAbha(String abhaAddress) {
		SearchParameterMap search = SearchParameterMap.newSynchronous("abha", new TokenParam(abhaAddress));
		return patients.search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(p -> p.getIdElement().getIdPart()).toList();
	}
}
