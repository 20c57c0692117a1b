package org.consentfhir.abdm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ABDM consent artefacts from the consent manager become FHIR Consents; revocation deactivates them. */
class AbdmConsentArtefactTest extends EndToEndTest {

	private String abhaAddress;
	private String patient;
	private String consentId;

	@BeforeEach
	void aPatientWithAnAbhaAddress() {
		abhaAddress = unique("asha.") + "@sbx";
		Patient registered = new Patient();
		registered.addIdentifier().setSystem("https://healthid.ndhm.gov.in/abha-address").setValue(abhaAddress);
		registered.addName().setFamily("Sharma");
		patient = client.create().resource(registered).execute().getId().getIdPart();
		consentId = UUID.randomUUID().toString();
	}

	@Test
	void aGrantedArtefactBecomesAConsentAndItsRevocationDeactivatesIt() {
		HttpResponse<String> granted = notify(granted(abhaAddress));
		assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);

		Consent consent = consentOf(consentId);
		assertThat(consent.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
		assertThat(consent.getPatient().getReference()).isEqualTo("Patient/" + patient);
		assertThat(consent.getProvision().getPurposeFirstRep().getCode()).isEqualTo("CAREMGT");
		assertThat(consent.getProvision().getDataPeriod().getStartElement().getValueAsString()).startsWith("2025-01-01");
		assertThat(consent.getProvision().getPeriod().getEndElement().getValueAsString()).startsWith("2027-01-01");
		assertThat(consent.getProvision().getCode()).extracting(c -> c.getCodingFirstRep().getCode())
				.containsExactly("OPConsultation", "WellnessRecord");
		assertThat(consent.getProvision().getActor()).extracting(a -> a.getReference().getIdentifier().getValue())
				.containsExactly("HIU-42", "DR-7");
		assertThat(consent.getSourceAttachment().getContentType()).isEqualTo("application/json");
		String doctor = new org.consentfhir.testsupport.Clinic(client, baseUrl()).doctorToken();
		assertThat(send("GET", "/fhir/Patient/" + patient, null, null, "Authorization", "Bearer " + doctor).statusCode())
				.as("an artefact for another organization's HIU grants this doctor nothing").isEqualTo(403);

		HttpResponse<String> revoked = notify("{\"requestId\":\"r2\",\"notification\":{\"status\":\"REVOKED\",\"consentId\":\"" + consentId + "\"}}");
		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
		Consent after = consentOf(consentId);
		assertThat(after.getStatus()).isEqualTo(Consent.ConsentState.INACTIVE);
		assertThat(after.getIdElement().getIdPart()).isEqualTo(consent.getIdElement().getIdPart());
		assertThat(after.getProvision().getPeriod().getEnd()).isBeforeOrEqualTo(new java.util.Date());
	}

	@Test
	void refusesWhatItCannotMapWithoutStoringAnything() {
		assertThat(notify("{not json").statusCode()).isEqualTo(400);
		assertThat(notify("{\"notification\":{\"status\":\"MAYBE\",\"consentId\":\"x\"}}").statusCode()).isEqualTo(400);
		assertThat(notify(granted(unique("nobody.") + "@sbx")).statusCode()).isEqualTo(422);
		assertThat(notify("{\"notification\":{\"status\":\"EXPIRED\",\"consentId\":\"" + consentId + "\"}}").statusCode()).isEqualTo(404);
		HttpResponse<String> asDoctor = send("POST", "/fhir/$abdm-consent-notify", "application/json", granted(abhaAddress),
				"Authorization", "Bearer " + issuer().token(baseUrl(), "user/*.cruds", c -> c.claim("role", "doctor")));
		assertThat(asDoctor.statusCode()).isEqualTo(403);
		assertThat(client.search().byUrl("Consent?identifier=" + AbdmConsentArtefacts.CONSENT_ID_SYSTEM + "|" + consentId)
				.returnBundle(Bundle.class).execute().getEntry()).isEmpty();
	}

	private String granted(String address) {
		return """
				{"requestId":"r1","timestamp":"2026-11-21T10:00:00.000Z","notification":{"status":"GRANTED","consentId":"%1$s",
				 "consentDetail":{"schemaVersion":"v0.5","consentId":"%1$s","createdAt":"2026-11-21T09:59:00.000",
				  "patient":{"id":"%2$s"},"careContexts":[{"patientReference":"MRN-1","careContextReference":"OP-2026-1"}],
				  "purpose":{"text":"Care Management","code":"CAREMGT","refUri":"http://terminology.hl7.org/ValueSet/v3-PurposeOfUse"},
				  "hip":{"id":"HIP-1"},"hiu":{"id":"HIU-42","name":"City Hospital"},"consentManager":{"id":"sbx"},
				  "requester":{"name":"Dr. Rao","identifier":{"type":"REGNO","value":"DR-7","system":"https://doctor.ndhm.gov.in"}},
				  "hiTypes":["OPConsultation","WellnessRecord"],
				  "permission":{"accessMode":"VIEW","dateRange":{"from":"2025-01-01T00:00:00.000","to":"2026-11-01T00:00:00.000"},
				   "dataEraseAt":"2027-01-01T00:00:00.000","frequency":{"unit":"HOUR","value":1,"repeats":0}}},
				 "signature":"c2lnbmF0dXJl"}}""".formatted(consentId, address);
	}

	private HttpResponse<String> notify(String body) {
		return send("POST", "/fhir/$abdm-consent-notify", "application/json", body);
	}

	private Consent consentOf(String id) {
		Bundle found = client.search().byUrl("Consent?identifier=" + AbdmConsentArtefacts.CONSENT_ID_SYSTEM + "|" + id)
				.returnBundle(Bundle.class).cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true)).execute();
		assertThat(found.getEntry()).hasSize(1);
		return (Consent) found.getEntryFirstRep().getResource();
	}
}
