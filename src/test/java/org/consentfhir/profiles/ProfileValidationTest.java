package org.consentfhir.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/** The project's conformance resources are served, and a claimed profile is enforced on write. */
class ProfileValidationTest extends EndToEndTest {

	private static final String PROFILE = "https://consentfhir.org/fhir/StructureDefinition/india-patient";

	@Test
	void servesTheProjectsConformanceResources() {
		StructureDefinition profile =
				client.read().resource(StructureDefinition.class).withId("india-patient").execute();
		assertThat(profile.getUrl()).isEqualTo(PROFILE);
		assertThat(get("/fhir/SearchParameter/patient-abha").statusCode()).isEqualTo(200);
		assertThat(get("/fhir/CodeSystem/patient-identifier-type").statusCode()).isEqualTo(200);
		assertThat(get("/fhir/ValueSet/patient-identifier-type").statusCode()).isEqualTo(200);
	}

	@Test
	void theVitalSignReadingProfileHoldsEachDefinedCodeToItsUnit() {
		String reading = """
				{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/x"},
				 "effectiveDateTime":"2026-01-01T10:00:00Z","code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},
				 "valueQuantity":{"value":%s,"system":"http://unitsofmeasure.org","code":"%s"}}""";
		String validate = "/fhir/Observation/$validate?profile=https://consentfhir.org/fhir/StructureDefinition/vital-sign-reading";

		HttpResponse<String> wrongUnit = send("POST", validate, "application/fhir+json", reading.formatted("98.6", "[degF]"));
		HttpResponse<String> rightUnit = send("POST", validate, "application/fhir+json", reading.formatted("37", "Cel"));

		assertThat(wrongUnit.body()).contains("vsr-8310-5");
		assertThat(errors(rightUnit.body())).isZero();
		assertThat(errors(wrongUnit.body())).isPositive();
	}

	private static long errors(String outcome) {
		return FHIR.newJsonParser().parseResource(OperationOutcome.class, outcome).getIssue().stream()
				.filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR).count();
	}

	@Test
	void acceptsAPatientThatConformsAndFindsItByAbha() {
		String abhaNumber = randomAbhaNumber();
		String address = unique("asha.") + "@sbx";
		HttpResponse<String> created = post(patient(abhaNumber, address, "\"gender\":\"female\","));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

		assertThat(count("Patient?abha=" + abhaNumber)).isEqualTo(1);
		assertThat(count("Patient?abha=" + address)).isEqualTo(1);
	}

	@Test
	void refuses422NamingEachProblemAndStoresNothing() {
		String address = unique("1bad") + "@gmail";
		HttpResponse<String> response = post(patient("2272254829", address, ""));

		assertThat(response.statusCode()).isEqualTo(422);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssue())
				.filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
				.extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
				.anyMatch(d -> d.contains("abha-number"))
				.anyMatch(d -> d.contains("abha-address"))
				.anyMatch(d -> d.contains("Patient.gender"));
		assertThat(count("Patient?identifier=" + address)).isZero();
	}

	@Test
	void refusesANonConformingPatientInsideATransactionAndRollsBackTheRest() {
		String good = unique("good") + "@abdm";
		String transaction = """
				{"resourceType":"Bundle","type":"transaction","entry":[
				 {"resource":%s,"request":{"method":"POST","url":"Patient"}},
				 {"resource":%s,"request":{"method":"POST","url":"Patient"}}]}"""
				.formatted(
						patient(randomAbhaNumber(), good, "\"gender\":\"male\","),
						patient("12", unique("x") + "@abdm", "\"gender\":\"male\","));
		HttpResponse<String> response = send("POST", "/fhir", "application/fhir+json", transaction);
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(count("Patient?identifier=" + good)).isZero();
	}

	@Test
	void leavesResourcesWithoutAKnownProfileAlone() {
		String body = "{\"resourceType\":\"Patient\",\"meta\":{\"profile\":[\"http://example.org/unknown-profile\"]}}";
		assertThat(post(body).statusCode()).isEqualTo(201);
	}

	private HttpResponse<String> post(String body) {
		return send("POST", "/fhir/Patient", "application/fhir+json", body);
	}

	private static String patient(String abhaNumber, String abhaAddress, String extraFields) {
		return """
				{"resourceType":"Patient","meta":{"profile":["%s"]},%s
				 "identifier":[{"system":"https://healthid.ndhm.gov.in","value":"%s"},
				               {"system":"https://healthid.ndhm.gov.in/abha-address","value":"%s"}],
				 "name":[{"family":"Sharma","given":["Asha"]}]}"""
				.formatted(PROFILE, extraFields, abhaNumber, abhaAddress);
	}

	private static String randomAbhaNumber() {
		String digits = String.format("%014d", Math.abs(System.nanoTime() % 100_000_000_000_000L));
		return digits.substring(0, 2) + "-" + digits.substring(2, 6) + "-" + digits.substring(6, 10) + "-"
				+ digits.substring(10, 14);
	}

	private int count(String query) {
		return client.search().byUrl(query).returnBundle(Bundle.class).execute().getEntry().size();
	}
}
