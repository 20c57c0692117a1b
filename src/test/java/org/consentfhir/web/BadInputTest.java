package org.consentfhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear 4xx with an OperationOutcome, never a 500, and costs no data. */
class BadInputTest extends EndToEndTest {

	private static final String JSON = "application/fhir+json";
	private static final String XML = "application/fhir+xml";

	@Test
	void refusesMalformedJsonAndXml() {
		assertRefused(send("POST", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\","), 400);
		assertRefused(send("POST", "/fhir/Patient", XML, "<Patient xmlns=\"http://hl7.org/fhir\"><name>"), 400);
		assertRefused(send("POST", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\",\"birthDate\":\"soon\"}"), 400);
		assertRefused(send("POST", "/fhir/Patient", JSON, "{\"resourceType\":\"Observation\"}"), 400);
	}

	@Test
	void refusesUnknownResourceTypes() {
		assertRefused(send("POST", "/fhir/Spaceship", JSON, "{\"resourceType\":\"Spaceship\"}"), 404);
		assertRefused(get("/fhir/Spaceship/1"), 404);
	}

	@Test
	void refusesWrongOrMissingContentType() {
		assertRefused(send("POST", "/fhir/Patient", "text/plain", "{\"resourceType\":\"Patient\"}"), 400);
		assertRefused(send("POST", "/fhir/Patient", null, "{\"resourceType\":\"Patient\"}"), 400);
	}

	@Test
	void refusesABodyOverTheSizeLimitWith413() {
		String family = unique("Huge");
		String big = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\",\"text\":\""
				+ "x".repeat(10_600_000) + "\"}]}";
		assertRefused(send("POST", "/fhir/Patient", JSON, big), 413);

		HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(
				HttpRequest.BodyPublishers.ofString(big, StandardCharsets.UTF_8));
		assertRefused(send("POST", "/fhir/Patient", JSON, chunked, null), 413);
		assertThat(count("Patient?family=" + family)).isZero();
	}

	@Test
	void refusesAbsurdlyDeepNesting() {
		int levels = 400;
		String json = "{\"resourceType\":\"Patient\",\"extension\":"
				+ "[{\"url\":\"http://example.org/e\",\"extension\":".repeat(levels) + "[]" + "}]".repeat(levels) + "}";
		assertRefused(send("POST", "/fhir/Patient", JSON, json), 400);
		String xml = "<Patient xmlns=\"http://hl7.org/fhir\">"
				+ "<extension url=\"http://example.org/e\">".repeat(990) + "</extension>".repeat(990) + "</Patient>";
		assertRefused(send("POST", "/fhir/Patient", XML, xml), 400);
	}

	@Test
	void refusesXmlWithADoctypeOrExternalEntity() {
		String family = unique("Xxe");
		String doctype = "<?xml version=\"1.0\"?><!DOCTYPE Patient><Patient xmlns=\"http://hl7.org/fhir\">"
				+ "<name><family value=\"" + family + "\"/></name></Patient>";
		assertRefused(send("POST", "/fhir/Patient", XML, doctype), 400);
		String xxe = "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
				+ "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"" + family + "&xxe;\"/></name></Patient>";
		HttpResponse<String> response = send("POST", "/fhir/Patient", XML, xxe);
		assertRefused(response, 400);
		assertThat(response.body()).doesNotContain("root:");
		assertThat(count("Patient?family=" + family)).isZero();
	}

	@Test
	void refusesInvalidIds() {
		assertRefused(send("PUT", "/fhir/Patient/a$b", JSON, "{\"resourceType\":\"Patient\",\"id\":\"a$b\"}"), 400);
		String tooLong = "x".repeat(80);
		assertRefused(
				send("PUT", "/fhir/Patient/" + tooLong, JSON, "{\"resourceType\":\"Patient\",\"id\":\"" + tooLong + "\"}"),
				400);
		assertRefused(send("PUT", "/fhir/Patient/abc", JSON, "{\"resourceType\":\"Patient\",\"id\":\"xyz\"}"), 400);
	}

	@Test
	void rollsBackAWholeTransactionWhenOneEntryIsBad() {
		String family = unique("Atomic");
		String transaction = """
				{"resourceType":"Bundle","type":"transaction","entry":[
				 {"fullUrl":"urn:uuid:6a1f0f8e-52a4-4c9c-8d7e-0d1f5e2b3c41","resource":{"resourceType":"Patient","name":[{"family":"%s"}]},
				  "request":{"method":"POST","url":"Patient"}},
				 {"resource":{"resourceType":"Observation","status":"final","code":{"text":"pulse"},
				  "subject":{"reference":"urn:uuid:6a1f0f8e-52a4-4c9c-8d7e-0d1f5e2b3c41"}},
				  "request":{"method":"POST","url":"Observation"}},
				 {"resource":{"resourceType":"Observation","status":"final","code":{"text":"pulse"},
				  "subject":{"reference":"Patient/no-such-patient-%s"}},
				  "request":{"method":"POST","url":"Observation"}}
				]}""".formatted(family, family);
		HttpResponse<String> response = send("POST", "/fhir", JSON, transaction);
		assertThat(response.statusCode()).isBetween(400, 499);
		assertThat(response.body()).contains("OperationOutcome");
		assertThat(count("Patient?family=" + family)).isZero();
		assertThat(count("Observation?subject:Patient.family=" + family)).isZero();
	}

	private void assertRefused(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.body()).contains("OperationOutcome");
	}

	private int count(String query) {
		return client.search().byUrl(query).returnBundle(Bundle.class).execute().getEntry().size();
	}
}
