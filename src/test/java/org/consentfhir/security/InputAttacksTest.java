package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.consentfhir.testsupport.EndToEndTest;
import org.junit.jupiter.api.Test;

/**
 * Input meant to cost the server: numbers that take a minute of CPU to turn into plain form,
 * searches of hundreds of AND-ed values, paging parameters that are not numbers. Each is refused at
 * once with 400 and an OperationOutcome, never a 500, whatever token sends it.
 */
class InputAttacksTest extends EndToEndTest {

	private static final String JSON = "application/fhir+json";
	private static final String XML = "application/fhir+xml";
	private static final String FORM = "application/x-www-form-urlencoded";

	@Test
	void refusesANumberWithAHugeExponentBeforeParsingIt() {
		assertRefused(send("POST", "/fhir/Observation", JSON, observationJson("1e99999")));
		assertRefused(send("POST", "/fhir/Observation", JSON, observationJson("-2.5E-99999")));
		assertRefused(send("POST", "/fhir/Observation", JSON, observationJson("\"1e99999\"")));
		assertRefused(send("POST", "/fhir/Observation", XML, observationXml("1e99999")));
		// the same number hidden from a scanner of raw bytes: escapes, references, spacing, other digits
		assertRefusedSaying(send("POST", "/fhir/Observation", JSON, observationJson("\"\\u0031e99999\"")), "exponent");
		assertRefusedSaying(send("POST", "/fhir/Observation", JSON, observationJson("\"\u0661e99999\"")), "exponent");
		assertRefusedSaying(send("POST", "/fhir/Observation", XML, observationXml("1&#101;99999")), "exponent");
		assertRefusedSaying(send("POST", "/fhir/Observation", XML, observationXml("1e99999").replace("value value=", "value value = ")), "exponent");

		assertThat(send("POST", "/fhir/Observation", JSON, observationJson("6.02e23")).statusCode()).isEqualTo(201);
		assertThat(send("POST", "/fhir/Observation", XML, observationXml("98.6")).statusCode()).isEqualTo(201);
	}

	@Test
	void refusesANumberOfMoreDigitsThanAnyMeasurementHas() {
		String fiftyDigits = "1." + "3".repeat(49);

		assertRefused(send("POST", "/fhir/Observation", JSON, observationJson(fiftyDigits)));
		assertRefused(send("POST", "/fhir/Observation", XML, observationXml(fiftyDigits)));
		assertRefused(send("POST", "/fhir/Observation", JSON, observationJson("\"" + "7".repeat(200_000) + "\"")));

		assertThat(send("POST", "/fhir/Observation", JSON, observationJson("1." + "3".repeat(30))).statusCode()).isEqualTo(201);
	}

	@Test
	void refusesASearchOfMoreParameterValuesThanTheLimit() {
		String family = unique("Many");
		String andedValues = "family=" + family + andedIdentifiers(40);

		assertRefusedSaying(get("/fhir/Patient?" + andedValues), "at most 40 parameter values");
		assertRefusedSaying(send("POST", "/fhir/Patient/_search", FORM, andedValues), "at most 40 parameter values");
		String batch = """
				{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient?%s"}}]}"""
				.formatted(andedValues);
		HttpResponse<String> response = send("POST", "/fhir", JSON, batch);
		assertThat(response.body()).contains("at most 40 parameter values");

		String forty = "family=" + family + andedIdentifiers(39);
		assertThat(get("/fhir/Patient?" + forty).statusCode()).isEqualTo(200);
	}

	@Test
	void refusesPagingParametersThatAreNotWholeNumbers() {
		for (String paging : new String[] {
			"_offset=-5", "_offset=abc", "_offset=1.5", "_count=-1", "_count=abc", "_count=99999999999",
			"_offset=" + URLEncoder.encode(" 1", StandardCharsets.UTF_8), "_count=1&_count=2",
			"_count=1&_offset=2147483647", "_offset=1000000001"
		}) {
			assertRefusedSaying(get("/fhir/Patient?" + paging), "Search refused");
		}
		assertRefusedSaying(send("POST", "/fhir/Patient/_search", FORM, "_offset=-5"), "Search refused");
		assertRefusedSaying(send("POST", "/fhir", "application/fhir+json",
				"{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"Patient?_offset=-5\"}}]}"),
				"Search refused");

		assertThat(get("/fhir/Patient?_offset=0&_count=100000").statusCode()).isEqualTo(200);
		assertThat(get("/fhir/Patient?_offset=1000000000&_count=1000000000").statusCode()).isEqualTo(200);
	}

	private static String andedIdentifiers(int count) {
		return IntStream.range(0, count).mapToObj(i -> "&identifier:not=urn:attack%7C" + i).collect(Collectors.joining());
	}

	private static String observationJson(String value) {
		return """
				{"resourceType":"Observation","status":"final","code":{"text":"attack"},
				 "valueQuantity":{"value":%s,"unit":"1"}}""".formatted(value);
	}

	private static String observationXml(String value) {
		return """
				<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="attack"/></code>
				<valueQuantity><value value="%s"/><unit value="1"/></valueQuantity></Observation>""".formatted(value);
	}

	private static void assertRefusedSaying(HttpResponse<String> response, String reason) {
		assertRefused(response);
		assertThat(response.body()).contains(reason);
	}

	private static void assertRefused(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.body()).contains("OperationOutcome");
	}
}
