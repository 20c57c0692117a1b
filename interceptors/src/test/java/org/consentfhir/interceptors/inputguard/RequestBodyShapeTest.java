package org.consentfhir.interceptors.inputguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyShapeTest {

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void acceptsOrdinaryJsonAndCountsOnlyStructureOutsideStrings() {
		String json = "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"[[[[{{{{ \\\" ]]\"}]}";
		assertThat(RequestBodyShape.problemInJson(bytes(json), 3)).isEmpty();
	}

	@Test
	void refusesJsonNestedDeeperThanTheLimit() {
		String json = "{\"a\":" + "[".repeat(10) + "]".repeat(10) + "}";
		assertThat(RequestBodyShape.problemInJson(bytes(json), 10)).hasValueSatisfying(p -> assertThat(p).contains("10"));
		assertThat(RequestBodyShape.problemInJson(bytes(json), 11)).isEmpty();
	}

	@Test
	void refusesXmlWithADoctypeInAnyCase() {
		assertThat(RequestBodyShape.problemInXml(bytes("<?xml version=\"1.0\"?><!doctype x><Patient/>"), 50)).isPresent();
		assertThat(RequestBodyShape.problemInXml(bytes("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///\">]><x/>"), 50))
				.isPresent();
	}

	@Test
	void countsXmlElementDepthIgnoringCommentsSelfClosingTagsAndCdata() {
		String xml = "<?xml version=\"1.0\"?><Patient><!-- <a><b><c> --><name><family value=\"x\"/></name>"
				+ "<text><div><![CDATA[<p><p><p>]]></div></text></Patient>";
		assertThat(RequestBodyShape.problemInXml(bytes(xml), 3)).isEmpty();
		assertThat(RequestBodyShape.problemInXml(bytes(xml), 2)).isPresent();
	}

	@Test
	void refusesJsonNumbersWithAHugeExponentOrTooManyDigitsInAnyForm() {
		assertThat(RequestBodyShape.problemInJson(bytes("{\"v\":1e999999}"), 10)).hasValueSatisfying(p -> assertThat(p).contains("exponent"));
		assertThat(RequestBodyShape.problemInJson(bytes("[1E-101]"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInJson(bytes("{\"v\":\"1e999999\"}"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInJson(bytes("[0." + "1".repeat(41) + "]"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInJson(bytes("[1e999999"), 10)).isPresent();

		assertThat(RequestBodyShape.problemInJson(bytes("[6.02e23, -1E-100, true, null, \"e5\", \"1e5x\", 0." + "1".repeat(39) + "]"), 10)).isEmpty();
		assertThat(RequestBodyShape.problemInJson(bytes("{\"id\":\"" + "7".repeat(1000) + "\",\"oid\":\"2.25.1.2.3\"}"), 10)).isEmpty();
	}

	@Test
	void refusesXmlValueAttributesThatAreNumbersBeyondBounds() {
		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><value value=\"1e99999\"/></Observation>"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><value value='1." + "2".repeat(45) + "'></value></Observation>"), 10))
				.isPresent();

		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><value value=\"98.6\"/><code value=\"e1e999999\"/></Observation>"), 10))
				.isEmpty();
	}

	@Test
	void refusesJsonNumbersHiddenInEscapesOrWrittenInOtherDigits() {
		assertThat(RequestBodyShape.problemInJson(bytes("{\"v\":\"\\u0031e999999\"}"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInJson(bytes("{\"v\":\"1\\u0065999999\"}"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInJson(bytes("{\"v\":\"\u0661e999999\"}"), 10)).as("Arabic-Indic one").isPresent();
		assertThat(RequestBodyShape.problemInJson(bytes("{\"v\":\" 1e999999 \"}"), 10)).as("padded").isPresent();
		assertThat(RequestBodyShape.problemInJson(bytes("{\"v\":\"\\u0037".repeat(1) + "\\u0037".repeat(1500) + "\"}"), 10)).isPresent();

		assertThat(RequestBodyShape.problemInJson(bytes("{\"div\":\"<p class=\\\"x\\\">1e999</p>\",\"t\":\"caf\u00e9 \\u00e9\"}"), 10))
				.isEmpty();
	}

	@Test
	void refusesXmlNumbersHiddenByReferencesOrSpacing() {
		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><value value = \"1e99999\"/></Observation>"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><value\n\tvalue=\n'1e99999'/></Observation>"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><value value=\"1&#101;99999\"/></Observation>"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><value value=\"&#x31;e99999\"/></Observation>"), 10)).isPresent();
		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><value id=\"a>b\" value=\"1e99999\"/></Observation>"), 10))
				.as("a > inside another attribute").isPresent();

		assertThat(RequestBodyShape.problemInXml(bytes("<Observation><code value=\"a &amp; b &#101;\"/><value value = '98.6'/></Observation>"), 10))
				.isEmpty();
	}
}
