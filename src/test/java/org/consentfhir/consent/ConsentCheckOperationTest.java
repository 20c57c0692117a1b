package org.consentfhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Patient/{id}/$consent-check answers from the stored Consents, with the deciding one and a reason. */
class ConsentCheckOperationTest extends EndToEndTest {

	private String patient;
	private String hospital;

	@BeforeEach
	void aPatientWhoPermitsTreatmentByOneHospital() {
		patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		hospital = client.create().resource(new org.hl7.fhir.r4.model.Organization().setName(unique("Hospital")))
				.execute().getId().toUnqualifiedVersionless().getValue();
	}

	@Test
	void permitsWhatAConsentPermitsAndSaysWhich() {
		String consent = grant(patient, hospital, PurposeOfUse.TREAT);

		Parameters answer = check(hospital, "TREAT");

		assertThat(answer.getParameter("decision").getValue().primitiveValue()).isEqualTo("permit");
		assertThat(((Reference) answer.getParameter("consent").getValue()).getReference()).isEqualTo(consent);
		assertThat(answer.getParameter("reason").getValue().primitiveValue()).contains(consent).contains("TREAT");
	}

	@Test
	void deniesAnotherPurposeUnderTheOptInDefault() {
		grant(patient, hospital, PurposeOfUse.TREAT);

		Parameters answer = check(hospital, "HRESCH");

		assertThat(answer.getParameter("decision").getValue().primitiveValue()).isEqualTo("deny");
		assertThat(answer.getParameter("consent")).isNull();
		assertThat(answer.getParameter("reason").getValue().primitiveValue()).contains("opt-in");
	}

	@Test
	void aRevocationTakesEffectOnTheNextCheckAndTheHistoryKeepsBothVersions() {
		String consentId = grant(patient, hospital, PurposeOfUse.TREAT);
		Consent consent = client.read().resource(Consent.class).withId(consentId).execute();
		assertThat(check(hospital, "TREAT").getParameter("decision").getValue().primitiveValue()).isEqualTo("permit");

		consent.setStatus(Consent.ConsentState.INACTIVE);
		client.update().resource(consent).execute();

		assertThat(check(hospital, "TREAT").getParameter("decision").getValue().primitiveValue()).isEqualTo("deny");
		Bundle history = client.history().onInstance(consentId).returnBundle(Bundle.class).execute();
		assertThat(history.getEntry()).hasSize(2);
	}

	@Test
	void refusesAnUnknownPurposeABadActorAndAnUnknownPatient() {
		HttpResponse<String> badPurpose = get(checkUrl(patient, hospital, "FUN"));
		HttpResponse<String> badActor = get(checkUrl(patient, "Hospital/1", "TREAT"));
		HttpResponse<String> noPatient = get(checkUrl("does-not-exist", hospital, "TREAT"));

		assertThat(badPurpose.statusCode()).isEqualTo(400);
		assertThat(badPurpose.body()).contains("OperationOutcome").contains("purpose");
		assertThat(badActor.statusCode()).isEqualTo(400);
		assertThat(noPatient.statusCode()).isEqualTo(404);
	}

	@Test
	void onlyForCallersWhoMayReadThePatientsConsents() {
		String other = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		String ownToken = issuer().token(baseUrl(), "patient/Consent.rs", c -> c.claim("patient", patient));

		assertThat(getWithToken(checkUrl(patient, hospital, "TREAT"), ownToken).statusCode()).isEqualTo(200);
		assertThat(getWithToken(checkUrl(other, hospital, "TREAT"), ownToken).statusCode()).isEqualTo(403);
		assertThat(getWithToken(checkUrl(patient, hospital, "TREAT"), issuer().token(baseUrl(), "system/Observation.rs")).statusCode())
				.isEqualTo(403);
	}

	private Parameters check(String actor, String purpose) {
		HttpResponse<String> response = get(checkUrl(patient, actor, purpose));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
	}

	private static String checkUrl(String patient, String actor, String purpose) {
		return "/fhir/Patient/" + patient + "/$consent-check?actor=" + actor + "&purpose=" + purpose;
	}

	private String grant(String patient, String actor, PurposeOfUse purpose) {
		return client.create().resource(Clinic.consent(patient, Consent.ConsentProvisionType.PERMIT, actor, purpose))
				.execute().getId().toUnqualifiedVersionless().getValue();
	}
}
