package org.consentfhir.interceptors.inputguard;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Checks the shape of a request body before a parser sees it: a single pass over the bytes that
 * finds XML document type declarations and nesting deeper than a limit. Both are refused rather
 * than parsed, because a DOCTYPE is the door to entity expansion and external entities, and very
 * deep nesting exhausts parsers and encoders (the stored JSON form of an XML resource nests about
 * twice as deep as the XML).
 */
final class RequestBodyShape {

	private RequestBodyShape() {}

	/** @return a description of the problem, or empty when the body may be parsed */
	static Optional<String> problemInJson(byte[] body, int maxDepth) {
		int depth = 0;
		boolean inString = false;
		boolean escaped = false;
		for (byte b : body) {
			if (inString) {
				if (escaped) {
					escaped = false;
				} else if (b == '\\') {
					escaped = true;
				} else if (b == '"') {
					inString = false;
				}
				continue;
			}
			switch (b) {
				case '"' -> inString = true;
				case '{', '[' -> {
					if (++depth > maxDepth) {
						return Optional.of("JSON nesting deeper than " + maxDepth + " levels");
					}
				}
				case '}', ']' -> depth--;
				default -> {}
			}
		}
		return Optional.empty();
	}

	/** @return a description of the problem, or empty when the body may be parsed */
	static Optional<String> problemInXml(byte[] body, int maxDepth) {
		String xml = new String(body, StandardCharsets.UTF_8);
		int depth = 0;
		int i = xml.indexOf('<');
		while (i >= 0 && i < xml.length() - 1) {
			char next = xml.charAt(i + 1);
			int end = xml.indexOf('>', i);
			if (end < 0) {
				break;
			}
			if (next == '!') {
				if (xml.regionMatches(true, i + 2, "DOCTYPE", 0, 7) || xml.regionMatches(true, i + 2, "ENTITY", 0, 6)) {
					return Optional.of("XML document type declarations (DOCTYPE) are not accepted");
				}
				if (xml.startsWith("<!--", i)) {
					end = xml.indexOf("-->", i);
					if (end < 0) {
						break;
					}
				} else if (xml.startsWith("<![CDATA[", i)) {
					end = xml.indexOf("]]>", i);
					if (end < 0) {
						break;
					}
				}
			} else if (next == '/') {
				depth--;
			} else if (next != '?' && xml.charAt(end - 1) != '/') {
				if (++depth > maxDepth) {
					return Optional.of("XML nesting deeper than " + maxDepth + " elements");
				}
			}
			i = xml.indexOf('<', end + 1);
		}
		return Optional.empty();
	}
}
