package org.consentfhir.interceptors.inputguard;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Checks the shape of a request body before a parser sees it: a single pass over the bytes that
 * finds XML document type declarations, nesting deeper than a limit and numbers beyond
 * {@link NumberBounds}. Both are refused rather
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
		int tokenStart = -1;
		for (int i = 0; i < body.length; i++) {
			byte b = body[i];
			if (inString) {
				if (escaped) {
					escaped = false;
				} else if (b == '\\') {
					escaped = true;
				} else if (b == '"') {
					inString = false;
					Optional<String> number = NumberBounds.problemIn(body, tokenStart, i, true);
					if (number.isPresent()) {
						return number;
					}
					tokenStart = -1;
				}
				continue;
			}
			if (isNumberByte(b)) {
				if (tokenStart < 0) {
					tokenStart = i;
				}
				continue;
			}
			if (tokenStart >= 0) {
				Optional<String> number = NumberBounds.problemIn(body, tokenStart, i, false);
				if (number.isPresent()) {
					return number;
				}
				tokenStart = -1;
			}
			switch (b) {
				case '"' -> {
					inString = true;
					tokenStart = i + 1;
				}
				case '{', '[' -> {
					if (++depth > maxDepth) {
						return Optional.of("JSON nesting deeper than " + maxDepth + " levels");
					}
				}
				case '}', ']' -> depth--;
				default -> {}
			}
		}
		return tokenStart >= 0 && !inString ? NumberBounds.problemIn(body, tokenStart, body.length, false) : Optional.empty();
	}

	private static boolean isNumberByte(byte b) {
		return (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E';
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
			} else if (next != '?') {
				Optional<String> number = numberInValueAttribute(xml, i, end);
				if (number.isPresent()) {
					return number;
				}
				if (xml.charAt(end - 1) != '/' && ++depth > maxDepth) {
					return Optional.of("XML nesting deeper than " + maxDepth + " elements");
				}
			}
			i = xml.indexOf('<', end + 1);
		}
		return Optional.empty();
	}

	/** FHIR XML carries every primitive, decimals included, in a {@code value} attribute. */
	private static Optional<String> numberInValueAttribute(String xml, int tagStart, int tagEnd) {
		int at = tagStart + 1;
		while (at + 7 < tagEnd && !(xml.startsWith("value=", at) && Character.isWhitespace(xml.charAt(at - 1)))) {
			at++;
		}
		if (at + 7 >= tagEnd) {
			return Optional.empty();
		}
		char quote = xml.charAt(at + 6);
		int close = xml.indexOf(quote, at + 7);
		if ((quote != '"' && quote != '\'') || close < 0 || close > tagEnd) {
			return Optional.empty();
		}
		byte[] value = xml.substring(at + 7, close).getBytes(StandardCharsets.US_ASCII);
		return NumberBounds.problemIn(value, 0, value.length, true);
	}
}
