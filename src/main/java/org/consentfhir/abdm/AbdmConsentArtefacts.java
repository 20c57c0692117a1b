package org.consentfhir.abdm;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import org.consentfhir.interceptors.consent.PrivacyConsents;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * An ABDM consent artefact ({@code consentDetail}, as the consent manager sends it to a HIP) as a
 * FHIR Consent:
 *
 * <table>
 *   <tr><th>artefact</th><th>Consent</th></tr>
 *   <tr><td>consentId</td><td>identifier ({@value #CONSENT_ID_SYSTEM})</td></tr>
 *   <tr><td>status GRANTED / REVOKED, EXPIRED / DENIED / REQUESTED</td><td>status active / inactive / rejected / proposed</td></tr>
 *   <tr><td>patient.id (ABHA address)</td><td>patient (the Patient with that ABHA address)</td></tr>
 *   <tr><td>createdAt</td><td>dateTime, provision.period.start</td></tr>
 *   <tr><td>permission.dataEraseAt</td><td>provision.period.end</td></tr>
 *   <tr><td>permission.dateRange</td><td>provision.dataPeriod</td></tr>
 *   <tr><td>purpose.code, text, refUri</td><td>provision.purpose (v3 ActReason), policy.uri</td></tr>
 *   <tr><td>hiu, requester</td><td>provision.actor (by identifier: IRCP the HIU, PRCP the requester)</td></tr>
 *   <tr><td>hiTypes</td><td>provision.code ({@value #HI_TYPE_SYSTEM})</td></tr>
 *   <tr><td>the whole notification (careContexts, accessMode, frequency, signature)</td><td>sourceAttachment (application/json)</td></tr>
 * </table>
 */
final class AbdmConsentArtefacts {

	static final String CONSENT_ID_SYSTEM = "https://consentfhir.org/fhir/abdm-consent-id";
	static final String HI_TYPE_SYSTEM = "https://consentfhir.org/fhir/CodeSystem/abdm-hi-type";
	static final String HIU_SYSTEM = "https://consentfhir.org/fhir/abdm-hiu-id";

	private AbdmConsentArtefacts() {}

	/** The Consent imported for an artefact, or null. */
	static Consent stored(ca.uhn.fhir.jpa.api.dao.DaoRegistry daos, String consentId) {
		var search = ca.uhn.fhir.jpa.searchparam.SearchParameterMap.newSynchronous("identifier",
				new ca.uhn.fhir.rest.param.TokenParam(CONSENT_ID_SYSTEM, consentId));
		var found = daos.getResourceDao(Consent.class).search(search, new ca.uhn.fhir.rest.api.server.SystemRequestDetails()).getAllResources();
		return found.isEmpty() ? null : (Consent) found.get(0);
	}

	static ConsentState statusOf(String abdmStatus) {
		return switch (abdmStatus == null ? "" : abdmStatus) {
			case "GRANTED" -> ConsentState.ACTIVE;
			case "REVOKED", "EXPIRED" -> ConsentState.INACTIVE;
			case "DENIED" -> ConsentState.REJECTED;
			case "REQUESTED" -> ConsentState.PROPOSED;
			default -> throw new IllegalArgumentException("status must be GRANTED, REVOKED, EXPIRED, DENIED or REQUESTED, not " + abdmStatus);
		};
	}

	/** The Consent of a granted artefact; {@code notification} is kept whole as the source. */
	static Consent toConsent(JsonNode detail, String status, String patientId, byte[] notification) {
		Consent consent = PrivacyConsents.permit(patientId, java.util.List.of(), java.util.List.of(), instant(detail, "createdAt"));
		consent.setStatus(statusOf(status));
		consent.addIdentifier(new Identifier().setSystem(CONSENT_ID_SYSTEM).setValue(required(detail, "consentId")));
		consent.setSource(new Attachment().setContentType("application/json").setData(notification)
				.setTitle("ABDM consent notification " + required(detail, "consentId")));
		Consent.ProvisionComponent provision = consent.getProvision().setType(ConsentProvisionType.PERMIT);
		JsonNode permission = detail.path("permission");
		provision.setPeriod(new Period().setStart(consent.getDateTime()).setEnd(date(permission, "dataEraseAt")));
		JsonNode range = permission.path("dateRange");
		provision.setDataPeriod(new Period().setStart(date(range, "from")).setEnd(date(range, "to")));
		JsonNode purpose = detail.path("purpose");
		String code = required(purpose, "code");
		provision.addPurpose(new Coding(PurposeOfUse.SYSTEM, code, purpose.path("text").asText(null)));
		if (purpose.hasNonNull("refUri")) {
			consent.addPolicy().setUri(purpose.get("refUri").asText());
		}
		JsonNode hiu = detail.path("hiu");
		if (hiu.hasNonNull("id")) {
			provision.addActor().setRole(role("IRCP", "information recipient"))
					.setReference(new Reference().setIdentifier(new Identifier().setSystem(HIU_SYSTEM).setValue(hiu.get("id").asText()))
							.setDisplay(hiu.path("name").asText(null)));
		}
		JsonNode requester = detail.path("requester");
		if (requester.path("identifier").hasNonNull("value")) {
			JsonNode id = requester.get("identifier");
			provision.addActor().setRole(role("PRCP", "primary information recipient"))
					.setReference(new Reference().setIdentifier(new Identifier()
							.setSystem(id.path("system").asText("https://doctor.ndhm.gov.in")).setValue(id.get("value").asText()))
							.setDisplay(requester.path("name").asText(null)));
		}
		detail.path("hiTypes").forEach(type -> provision.addCode(new CodeableConcept(new Coding(HI_TYPE_SYSTEM, type.asText(), null))));
		return consent;
	}

	static String required(JsonNode node, String field) {
		if (!node.hasNonNull(field) || node.get(field).asText().isBlank()) {
			throw new IllegalArgumentException("the notification has no " + field);
		}
		return node.get(field).asText();
	}

	private static CodeableConcept role(String code, String display) {
		return new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", code, display));
	}

	private static Instant instant(JsonNode node, String field) {
		Date date = date(node, field);
		return date == null ? Instant.now() : date.toInstant();
	}

	static Date date(JsonNode node, String field) {
		if (!node.hasNonNull(field)) {
			return null;
		}
		String text = node.get(field).asText();
		try {
			return Date.from(OffsetDateTime.parse(text).toInstant());
		} catch (DateTimeParseException withoutOffset) {
			try {
				return Date.from(java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC)); // ABDM sends UTC without an offset
			} catch (DateTimeParseException e) {
				throw new IllegalArgumentException(field + " is not a date-time: " + text);
			}
		}
	}
}
