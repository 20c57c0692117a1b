package org.consentfhir.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fingerprints enrolled as keyed hashes: one fingerprint, one patient; lookup under consent, audited. */
class BiometricIdentityTest extends EndToEndTest {

	private Clinic clinic;
	private String patient;
	private String doctorToken;

	@BeforeEach
	void aConsentingPatient() {
		clinic = new Clinic(client, baseUrl());
		patient = clinic.patient(unique("Bio"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		doctorToken = clinic.doctorToken();
	}

	@Test
	void aFingerprintEnrolledAsAKeyedHashFindsItsPatient() throws Exception {
		byte[] template = template();

		HttpResponse<String> enrolled = call("Patient/" + patient + "/$biometric-enroll", template, doctorToken);
		Bundle found = bundle(call("Patient/$biometric-match", template, doctorToken));

		assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
		assertThat(found.getEntry()).hasSize(1);
		assertThat(found.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue()).isEqualTo("Patient/" + patient);
		Patient stored = client.read().resource(Patient.class).withId(patient).execute();
		String value = stored.getIdentifier().stream().filter(i -> BiometricIdentifiers.SYSTEM.equals(i.getSystem())).findFirst().orElseThrow().getValue();
		assertThat(value)
				.isNotEqualTo(Base64.getEncoder().encodeToString(template))
				.isNotEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(template)))
				.isNotEqualTo(java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(template)));
		assertThat(bundle(call("Patient/$biometric-match", template(), doctorToken)).getEntry()).isEmpty();
		HttpResponse<String> audit = send("GET", "/fhir/AuditEvent?patient=Patient/" + patient + "&subtype=biometric-match", null, null);
		assertThat(audit.body()).contains("biometric-match").doesNotContain(value);
	}

	@Test
	void oneFingerprintIdentifiesOnePatient() {
		byte[] template = template();
		String other = clinic.patient(unique("Bio"));
		clinic.permit(other, clinic.organization, PurposeOfUse.TREAT);
		assertThat(call("Patient/" + patient + "/$biometric-enroll", template, doctorToken).statusCode()).isEqualTo(200);

		HttpResponse<String> second = call("Patient/" + other + "/$biometric-enroll", template, doctorToken);
		HttpResponse<String> again = call("Patient/" + patient + "/$biometric-enroll", template, doctorToken);

		assertThat(second.statusCode()).isEqualTo(409);
		assertThat(second.body()).contains("another patient").doesNotContain(patient);
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(again.body()).contains("\"valueBoolean\":false");
	}

	@Test
	void aLookupShowsNoPatientTheCallerMayNotSee() {
		byte[] template = template();
		String stranger = clinic.patient(unique("Bio"));
		assertThat(call("Patient/" + stranger + "/$biometric-enroll", template, systemToken).statusCode()).isEqualTo(200);

		assertThat(bundle(call("Patient/$biometric-match", template, doctorToken)).getEntry()).isEmpty();
		assertThat(bundle(call("Patient/$biometric-match", template, systemToken)).getEntry()).hasSize(1);
		assertThat(call("Patient/$biometric-match", template, clinic.patientToken(patient)).statusCode()).isEqualTo(403);
		assertThat(call("Patient/$biometric-match", new byte[0], doctorToken).statusCode()).isEqualTo(400);
	}

	private HttpResponse<String> call(String path, byte[] template, String token) {
		String body = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"template\",\"valueBase64Binary\":\""
				+ Base64.getEncoder().encodeToString(template) + "\"}]}";
		return send("POST", "/fhir/" + path, "application/fhir+json", body, "Authorization", "Bearer " + token);
	}

	private static Bundle bundle(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
	}

	private static byte[] template() {
		return ("ISO-19794-2 minutiae " + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}
}
