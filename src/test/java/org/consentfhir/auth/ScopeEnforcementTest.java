package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpResponse;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SMART scopes decide what a token reaches: patient scopes stay inside the token's patient's
 * compartment on every path out (read, search, includes, history, $everything, chains) and in
 * (create, transaction entries); r and s are told apart; query filters hold.
 */
class ScopeEnforcementTest extends EndToEndTest {

	private String patientA;
	private String patientB;
	private String vitalOfA;
	private String labOfA;
	private String vitalOfB;
	private String familyB;

	@BeforeEach
	void twoPatientsWithObservations() {
		patientA = createPatient(unique("Alpha"));
		familyB = unique("Beta");
		patientB = createPatient(familyB);
		String practitioner = client.create().resource(new Practitioner().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Rao")))
				.execute().getId().toUnqualifiedVersionless().getValue();
		vitalOfA = createObservation(patientA, "vital-signs", practitioner);
		labOfA = createObservation(patientA, "laboratory", null);
		vitalOfB = createObservation(patientB, "vital-signs", null);
		client.create().resource(new Condition().setSubject(new Reference("Patient/" + patientA))).execute();
	}

	@Test
	void patientScopeReadsOwnObservationButNotAnotherPatientsNorOtherTypes() {
		String token = patientToken(patientA, "patient/Observation.rs");

		assertThat(getWithToken("/fhir/" + vitalOfA, token).statusCode()).isEqualTo(200);
		assertDenied(getWithToken("/fhir/" + vitalOfB, token));
		assertDenied(getWithToken("/fhir/Condition?patient=" + patientA, token));
	}

	@Test
	void patientScopeSearchesAreNarrowedToTheTokensPatient() {
		Bundle bundle = clientWithToken(patientToken(patientA, "patient/Observation.rs"))
				.search().byUrl("Observation?category=vital-signs").returnBundle(Bundle.class).execute();

		assertThat(bundle.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.contains(vitalOfA)
				.doesNotContain(vitalOfB);
	}

	@Test
	void aChainedSearchCannotReachAnotherPatient() {
		Bundle bundle = clientWithToken(patientToken(patientA, "patient/Observation.rs"))
				.search().byUrl("Observation?subject.family=" + familyB).returnBundle(Bundle.class).execute();

		assertThat(bundle.getEntry()).isEmpty();
	}

	@Test
	void includesAndRevincludesOutsideTheCompartmentOrScopeAreRefused() {
		String token = patientToken(patientA, "patient/Observation.rs");

		assertDenied(getWithToken("/fhir/Observation?patient=" + patientA + "&_include=Observation:performer", token));
		assertDenied(getWithToken("/fhir/Observation?patient=" + patientA + "&_include=Observation:subject", token));
	}

	@Test
	void historyOfAnotherPatientsResourceIsRefused() {
		String token = patientToken(patientA, "patient/Observation.rs");

		assertThat(getWithToken("/fhir/" + vitalOfA + "/_history", token).statusCode()).isEqualTo(200);
		assertDenied(getWithToken("/fhir/" + vitalOfB + "/_history", token));
	}

	@Test
	void everythingOnlyForTheTokensPatient() {
		String token = patientToken(patientA, "patient/*.rs");

		assertThat(getWithToken("/fhir/Patient/" + patientA + "/$everything", token).statusCode()).isEqualTo(200);
		assertDenied(getWithToken("/fhir/Patient/" + patientB + "/$everything", token));
		assertDenied(getWithToken("/fhir/Patient/" + patientA + "/$everything", patientToken(patientA, "patient/Observation.rs")));
	}

	@Test
	void transactionEntriesMeetTheSameRulesAndNothingIsStoredWhenOneIsRefused() {
		String token = patientToken(patientA, "patient/Observation.cruds");
		String marker = unique("tx");
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(observation(patientA, "vital-signs", marker))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		transaction.addEntry().setResource(observation(patientB, "vital-signs", marker))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		HttpResponse<String> response = send("POST", "/fhir", "application/fhir+json",
				java.net.http.HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(transaction)),
				new String[] {"Authorization", "Bearer " + token});

		assertDenied(response);
		assertThat(client.search().byUrl("Observation?identifier=" + marker).returnBundle(Bundle.class).execute().getEntry()).isEmpty();
	}

	@Test
	void patientScopeCreatesOnlyInsideTheCompartment() {
		IGenericClient app = clientWithToken(patientToken(patientA, "patient/Observation.c"));

		assertThat(app.create().resource(observation(patientA, "vital-signs", unique("own"))).execute().getCreated()).isTrue();
		assertDenied(send("POST", "/fhir/Observation", "application/fhir+json",
				java.net.http.HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(observation(patientB, "vital-signs", "x"))),
				new String[] {"Authorization", "Bearer " + patientToken(patientA, "patient/Observation.c")}));
	}

	@Test
	void readAndSearchPermissionsAreToldApart() {
		assertDenied(getWithToken("/fhir/Observation?patient=" + patientA, patientToken(patientA, "patient/Observation.r")));
		assertDenied(getWithToken("/fhir/" + vitalOfA, patientToken(patientA, "patient/Observation.s")));
		assertThat(getWithToken("/fhir/" + vitalOfA, patientToken(patientA, "patient/Observation.read")).statusCode()).isEqualTo(200);
	}

	@Test
	void aQueryFilteredScopeReachesOnlyMatchingResources() {
		String token = patientToken(patientA, "patient/Observation.rs?category=vital-signs");

		assertThat(getWithToken("/fhir/" + vitalOfA, token).statusCode()).isEqualTo(200);
		assertDenied(getWithToken("/fhir/" + labOfA, token));
	}

	@Test
	void aQueryFilteredScopeNarrowsSearchesToItsFilter() {
		Bundle bundle = clientWithToken(patientToken(patientA, "patient/Observation.rs?category=vital-signs"))
				.search().byUrl("Observation?patient=" + patientA).returnBundle(Bundle.class).execute();

		assertThat(bundle.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.contains(vitalOfA)
				.doesNotContain(labOfA);
	}

	@Test
	void aRevincludeOfAnotherTypeIsRefused() {
		String token = patientToken(patientA, "patient/Patient.rs");

		assertThat(getWithToken("/fhir/Patient?_id=" + patientA, token).statusCode()).isEqualTo(200);
		assertDenied(getWithToken("/fhir/Patient?_id=" + patientA + "&_revinclude=Observation:subject", token));
	}

	@Test
	void patientScopesWithoutAPatientInTheTokenReachNothing() {
		assertDenied(getWithToken("/fhir/" + vitalOfA, issuer().token(baseUrl(), "patient/*.rs")));
	}

	@Test
	void aTokenWithNoResourceScopeIsRefusedWith403() {
		HttpResponse<String> response = getWithToken("/fhir/Patient/" + patientA, issuer().token(baseUrl(), "openid fhirUser"));

		assertDenied(response);
		assertThat(response.body()).contains("no scope of the access token allows read of Patient");
	}

	private String patientToken(String patient, String scope) {
		return issuer().token(baseUrl(), "launch/patient " + scope, c -> c.claim("patient", patient));
	}

	private String createPatient(String family) {
		Patient patient = new Patient();
		patient.addName().setFamily(family);
		return client.create().resource(patient).execute().getId().getIdPart();
	}

	private String createObservation(String patient, String category, String performer) {
		Observation observation = observation(patient, category, unique("obs"));
		if (performer != null) {
			observation.addPerformer(new Reference(performer));
		}
		return client.create().resource(observation).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private static Observation observation(String patient, String category, String identifier) {
		Observation observation = new Observation();
		observation.setStatus(Observation.ObservationStatus.FINAL);
		observation.addIdentifier().setValue(identifier);
		observation.addCategory(new CodeableConcept(new Coding(
				"http://terminology.hl7.org/CodeSystem/observation-category", category, null)));
		observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "8867-4", "Heart rate")));
		observation.setValue(new org.hl7.fhir.r4.model.Quantity().setValue(72).setSystem("http://unitsofmeasure.org").setCode("/min"));
		observation.setSubject(new Reference("Patient/" + patient));
		return observation;
	}

	static void assertDenied(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
		assertThat(response.body()).contains("OperationOutcome");
	}
}
