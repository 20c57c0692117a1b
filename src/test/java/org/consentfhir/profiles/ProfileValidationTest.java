package org.consentfhir.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.interceptors.identity.GlobalPatientIdInterceptor;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/** The project's conformance resources are served, and a claimed profile is enforced on write. */
class ProfileValidationTest extends EndToEndTest {

	private static final String PROFILE = "https://consentfhir.org/fhir/StructureDefinition/india-patient";
	private static final String GLOBAL = GlobalPatientIdInterceptor.SYSTEM;

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
	void acceptsMedicalRecordNumbersOfSeveralHospitalsEachNamingItsHospital() {
		String address = unique("meera.") + "@sbx";
		String mrns = mrn("https://city-hospital.example.org/mrn", "City Hospital") + "," + mrn("https://district-hospital.example.org/mrn", "District Hospital");

		HttpResponse<String> created = post(patientWith(address, mrns));

		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
	}

	@Test
	void refusesAnMrnWithoutItsHospitalTwoFromOneHospitalAndTwoAbhaNumbers() {
		String address = unique("meera.") + "@sbx";
		String identifiers = "{\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},"
				+ "\"system\":\"https://city-hospital.example.org/mrn\",\"value\":\"A-1\"},"
				+ mrn("https://district-hospital.example.org/mrn", "District Hospital") + ","
				+ mrn("https://district-hospital.example.org/mrn", "District Hospital") + ","
				+ "{\"system\":\"https://healthid.ndhm.gov.in\",\"value\":\"" + randomAbhaNumber() + "\"},"
				+ "{\"system\":\"https://healthid.ndhm.gov.in\",\"value\":\"" + randomAbhaNumber() + "\"}";

		HttpResponse<String> response = post(patientWith(address, identifiers));

		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body()).getIssue())
				.extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
				.anyMatch(d -> d.contains("mrn-assigner"))
				.anyMatch(d -> d.contains("mrn-once-per-hospital"))
				.anyMatch(d -> d.contains("abha-number-once"));
		assertThat(count("Patient?identifier=" + address)).isZero();
	}

	@Test
	void givesEveryPatientOnePermanentGlobalId() {
		String plain = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"%s\"}]%s}";
		String family = unique("Global");
		Patient created = FHIR.newJsonParser().parseResource(Patient.class, post(plain.formatted(family, "")).body());
		String globalId = created.getIdentifier().stream().filter(i -> GLOBAL.equals(i.getSystem())).map(Identifier::getValue)
				.findFirst().orElseThrow();
		assertThat(java.util.UUID.fromString(globalId).toString()).isEqualTo(globalId);

		HttpResponse<String> updated = send("PUT", "/fhir/Patient/" + created.getIdPart(), "application/fhir+json",
				"{\"resourceType\":\"Patient\",\"id\":\"" + created.getIdPart() + "\",\"name\":[{\"family\":\"" + family + "\"}]}");
		assertThat(updated.statusCode()).isEqualTo(200);
		assertThat(count("Patient?identifier=" + GLOBAL + "|" + globalId)).as("an update without it keeps it").isEqualTo(1);
		String other = ",\"identifier\":[{\"system\":\"" + GLOBAL + "\",\"value\":\"%s\"}]";
		assertThat(send("PUT", "/fhir/Patient/" + created.getIdPart(), "application/fhir+json",
				"{\"resourceType\":\"Patient\",\"id\":\"" + created.getIdPart() + "\"" + other.formatted(java.util.UUID.randomUUID()) + "}")
				.statusCode()).as("a changed global id").isEqualTo(422);
		assertThat(post(plain.formatted(unique("Twin"), other.formatted(globalId))).statusCode()).as("someone else's global id").isEqualTo(409);
		assertThat(post(plain.formatted(unique("Odd"), other.formatted("not-a-uuid"))).statusCode()).isEqualTo(422);
		String fromElsewhere = java.util.UUID.randomUUID().toString();
		assertThat(post(plain.formatted(unique("Moved"), other.formatted(fromElsewhere))).statusCode()).isEqualTo(201);
		assertThat(count("Patient?identifier=" + GLOBAL + "|" + fromElsewhere)).as("a patient known elsewhere keeps its id").isEqualTo(1);
	}

	private static String mrn(String system, String hospital) {
		return "{\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},"
				+ "\"system\":\"" + system + "\",\"value\":\"" + unique("MRN-") + "\",\"assigner\":{\"display\":\"" + hospital + "\"}}";
	}

	private static String patientWith(String abhaAddress, String moreIdentifiers) {
		return """
				{"resourceType":"Patient","meta":{"profile":["%s"]},"gender":"female",
				 "identifier":[{"system":"https://healthid.ndhm.gov.in/abha-address","value":"%s"},%s],
				 "name":[{"family":"Iyer","given":["Meera"]}]}"""
				.formatted(PROFILE, abhaAddress, moreIdentifiers);
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
