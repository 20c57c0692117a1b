package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * Identifiers of the systems the server knows (ABHA number, ABHA address, global patient id) that are
 * not of their system's form, slipped in where no profile is claimed: in a plain Patient, an update,
 * a transaction entry, a reference of another resource. Each is refused with 422 naming the rule.
 */
class IdentifierAttacksTest extends EndToEndTest {

	private static final String JSON = "application/fhir+json";
	private static final String ABHA_NUMBER = "https://healthid.ndhm.gov.in";
	private static final String ABHA_ADDRESS = "https://healthid.ndhm.gov.in/abha-address";
	private static final String GLOBAL_ID = "https://consentfhir.org/fhir/global-patient-id";

	@Test
	void refusesAPatientWithAFakeAbhaNumberThatClaimsNoProfile() {
		String family = unique("Fake");

		HttpResponse<String> response = send("POST", "/fhir/Patient", JSON, patient(family, ABHA_NUMBER, "12-34"));

		assertRefusedNaming(response, "abha-number");
		assertThat(count("Patient?family=" + family)).isZero();
		assertThat(send("POST", "/fhir/Patient", JSON, patient(family, ABHA_NUMBER, "12-3456-7890-1234")).statusCode()).isEqualTo(201);
	}

	@Test
	void refusesAnUpdateThatGivesAPatientAFakeAbhaAddress() {
		String family = unique("Update");
		HttpResponse<String> created = send("POST", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
		String id = FHIR.newJsonParser().parseResource(created.body()).getIdElement().getIdPart();

		HttpResponse<String> response = send("PUT", "/fhir/Patient/" + id, JSON,
				patient(family, ABHA_ADDRESS, "1x@abdm").replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\","));

		assertRefusedNaming(response, "abha-address");
		assertThat(count("Patient?identifier=" + ABHA_ADDRESS + "%7C1x@abdm")).isZero();
	}

	@Test
	void refusesATransactionWithAFakeIdentifierInAnyEntryAndStoresNone() {
		String family = unique("Batch");
		String transaction = """
				{"resourceType":"Bundle","type":"transaction","entry":[
				 {"resource":%s,"request":{"method":"POST","url":"Patient"}},
				 {"resource":%s,"request":{"method":"POST","url":"Patient"}}]}"""
				.formatted(patient(family, ABHA_ADDRESS, unique("good") + "@abdm"), patient(family, ABHA_NUMBER, "1234-5678"));

		HttpResponse<String> response = send("POST", "/fhir", JSON, transaction);

		assertRefusedNaming(response, "abha-number");
		assertThat(count("Patient?family=" + family)).isZero();
	}

	@Test
	void refusesAnotherResourceReferringToAPatientByAFakeGlobalId() {
		String observation = """
				{"resourceType":"Observation","status":"final","code":{"text":"%s"},
				 "subject":{"identifier":{"system":"%s","value":"NOT-A-UUID"}}}""".formatted(unique("obs"), GLOBAL_ID);

		assertRefusedNaming(send("POST", "/fhir/Observation", JSON, observation), "global-id");
	}

	@Test
	void refusesAnotherResourceReferringToAPatientByAFakeAbhaNumber() {
		String observation = """
				{"resourceType":"Observation","status":"final","code":{"text":"%s"},
				 "subject":{"identifier":{"system":"%s","value":"99-99"}}}""".formatted(unique("obs"), ABHA_NUMBER);

		assertRefusedNaming(send("POST", "/fhir/Observation", JSON, observation), "abha-number");
	}

	private static String patient(String family, String system, String value) {
		return """
				{"resourceType":"Patient","name":[{"family":"%s"}],"identifier":[{"system":"%s","value":"%s"}]}"""
				.formatted(family, system, value);
	}

	private static void assertRefusedNaming(HttpResponse<String> response, String rule) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		assertThat(response.body()).contains("OperationOutcome").contains(rule + ":");
	}

	private int count(String query) {
		return client.search().byUrl(query).returnBundle(Bundle.class).execute().getEntry().size();
	}
}
