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
}
