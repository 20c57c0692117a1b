package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** A token naming a role gets no more than the role's ceiling, whatever scopes it carries. */
class RoleScopesTest extends EndToEndTest {

	@Test
	void nurseCreatesReadsAndUpdatesButDoesNotDelete() {
		String token = roleToken("nurse", "user/*.cruds", "Practitioner/nurse-1");
		IGenericClient nurse = clientWithToken(token);
		String id = nurse.create().resource(patient()).execute().getId().getIdPart();

		assertThat(nurse.read().resource(Patient.class).withId(id).execute().getIdElement().getIdPart()).isEqualTo(id);
		ScopeEnforcementTest.assertDenied(send("DELETE", "/fhir/Patient/" + id, null,
				java.net.http.HttpRequest.BodyPublishers.noBody(), new String[] {"Authorization", "Bearer " + token}));
	}

	@Test
	void doctorDeletes() {
		String token = roleToken("doctor", "user/*.cruds", "Practitioner/doc-1");
		String id = client.create().resource(patient()).execute().getId().getIdPart();

		assertThat(send("DELETE", "/fhir/Patient/" + id, null, java.net.http.HttpRequest.BodyPublishers.noBody(),
						new String[] {"Authorization", "Bearer " + token}).statusCode())
				.isEqualTo(200);
	}

	@Test
	void adminManagesPractitionersButSeesNoClinicalData() {
		String token = roleToken("admin", "user/*.cruds", null);
		String patient = client.create().resource(patient()).execute().getId().getIdPart();

		assertThat(clientWithToken(token).create().resource(new Practitioner().addName(new HumanName().setFamily("Iyer")))
						.execute().getCreated())
				.isTrue();
		ScopeEnforcementTest.assertDenied(getWithToken("/fhir/Patient/" + patient, token));
		ScopeEnforcementTest.assertDenied(getWithToken("/fhir/Observation?patient=" + patient, token));
	}

	@Test
	void patientManagesTheirOwnConsentsOnly() {
		String self = client.create().resource(patient()).execute().getId().getIdPart();
		String other = client.create().resource(patient()).execute().getId().getIdPart();
		String token = roleToken("patient", "patient/*.cruds user/*.cruds", "Patient/" + self);
		IGenericClient app = clientWithToken(token);

		assertThat(app.create().resource(consentFor(self)).execute().getCreated()).isTrue();
		ScopeEnforcementTest.assertDenied(getWithToken("/fhir/Patient/" + other, token));
		ScopeEnforcementTest.assertDenied(send("POST", "/fhir/Consent", "application/fhir+json",
				java.net.http.HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(consentFor(other))),
				new String[] {"Authorization", "Bearer " + token}));
		ScopeEnforcementTest.assertDenied(send("POST", "/fhir/Observation", "application/fhir+json",
				java.net.http.HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(
						new Observation().setSubject(new Reference("Patient/" + other)))),
				new String[] {"Authorization", "Bearer " + token}));
	}

	@Test
	void anUnknownRoleIsRefusedWith401() {
		assertThat(getWithToken("/fhir/Patient?_count=1", roleToken("superuser", "user/*.cruds", null)).statusCode()).isEqualTo(401);
	}

	private String roleToken(String role, String scope, String fhirUser) {
		return issuer().token(baseUrl(), scope, c -> {
			c.claim("role", role);
			if (fhirUser != null) {
				c.claim("fhirUser", fhirUser);
			}
		});
	}

	private static Patient patient() {
		Patient patient = new Patient();
		patient.addName().setFamily(unique("Role"));
		return patient;
	}

	private static Consent consentFor(String patient) {
		Consent consent = new Consent();
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setPatient(new Reference("Patient/" + patient));
		consent.getScope().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/consentscope").setCode("patient-privacy");
		consent.addCategory().addCoding().setSystem("http://loinc.org").setCode("59284-0");
		return consent;
	}
}
