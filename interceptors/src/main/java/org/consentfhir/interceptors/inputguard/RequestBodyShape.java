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
		boolean encoded = false; // the string holds escapes or non-ASCII characters: read it decoded
		int tokenStart = -1;
		for (int i = 0; i < body.length; i++) {
			byte b = body[i];
			if (inString) {
				if (escaped) {
					escaped = false;
				} else if (b == '\\') {
					escaped = true;
					encoded = true;
				} else if (b < 0) {
					encoded = true;
				} else if (b == '"') {
					inString = false;
					Optional<String> number = NumberBounds.problemIn(encoded
							? jsonStringValue(body, tokenStart, i) : NumberBounds.ascii(body, tokenStart, i), true);
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
				Optional<String> number = NumberBounds.problemIn(NumberBounds.ascii(body, tokenStart, i), false);
				if (number.isPresent()) {
					return number;
				}
				tokenStart = -1;
			}
			switch (b) {
				case '"' -> {
					inString = true;
					encoded = false;
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
		return tokenStart >= 0 && !inString
				? NumberBounds.problemIn(NumberBounds.ascii(body, tokenStart, body.length), false) : Optional.empty();
	}

	/** The text of the JSON string {@code body[from, to)} as a JSON parser reads it: escapes replaced. */
	static String jsonStringValue(byte[] body, int from, int to) {
		String raw = new String(body, from, to - from, StandardCharsets.UTF_8);
		StringBuilder value = new StringBuilder(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c != '\\' || i + 1 >= raw.length()) {
				value.append(c);
				continue;
			}
			char escape = raw.charAt(++i);
			switch (escape) {
				case 'b' -> value.append('\b');
				case 'f' -> value.append('\f');
				case 'n' -> value.append('\n');
				case 'r' -> value.append('\r');
				case 't' -> value.append('\t');
				case 'u' -> {
					int code = i + 4 < raw.length() ? hex(raw, i + 1, i + 5) : -1;
					if (code < 0) {
						value.append('\\').append(escape); // not an escape a parser accepts: it refuses the body itself
					} else {
						value.append((char) code);
						i += 4;
					}
				}
				default -> value.append(escape); // \" \\ \/
			}
		}
		return value.toString();
	}

	private static int hex(String text, int from, int to) {
		int code = 0;
		for (int i = from; i < to; i++) {
			int digit = Character.digit(text.charAt(i), 16);
			if (digit < 0) {
				return -1;
			}
			code = code * 16 + digit;
		}
		return code;
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
			int end;
			if (next == '!') {
				if (xml.regionMatches(true, i + 2, "DOCTYPE", 0, 7) || xml.regionMatches(true, i + 2, "ENTITY", 0, 6)) {
					return Optional.of("XML document type declarations (DOCTYPE) are not accepted");
				}
				end = xml.startsWith("<!--", i) ? xml.indexOf("-->", i)
						: xml.startsWith("<![CDATA[", i) ? xml.indexOf("]]>", i) : xml.indexOf('>', i);
			} else if (next == '/' || next == '?') {
				if (next == '/') {
					depth--;
				}
				end = xml.indexOf('>', i);
			} else {
				Tag tag = tagAt(xml, i);
				if (tag.problem() != null) {
					return Optional.of(tag.problem());
				}
				end = tag.end();
				if (end >= 0 && xml.charAt(end - 1) != '/' && ++depth > maxDepth) {
					return Optional.of("XML nesting deeper than " + maxDepth + " elements");
				}
			}
			if (end < 0) {
				break;
			}
			i = xml.indexOf('<', end + 1);
		}
		return Optional.empty();
	}

	/** Where a start tag ends (its {@code >}, or -1), and the problem with a number in its {@code value} attribute. */
	private record Tag(int end, String problem) {}

	/**
	 * Reads the start tag at {@code start} as an XML parser does: attribute values quoted with
	 * {@code "} or {@code '}, whitespace allowed around {@code =}, character and entity references in
	 * values. FHIR XML carries every primitive, decimals included, in a {@code value} attribute; its
	 * value is checked decoded.
	 */
	private static Tag tagAt(String xml, int start) {
		int i = start + 1;
		while (i < xml.length() && !isXmlSpace(xml.charAt(i)) && xml.charAt(i) != '>' && xml.charAt(i) != '/') {
			i++;
		}
		while (i < xml.length()) {
			while (i < xml.length() && isXmlSpace(xml.charAt(i))) {
				i++;
			}
			if (i >= xml.length()) {
				return new Tag(-1, null);
			}
			char c = xml.charAt(i);
			if (c == '>') {
				return new Tag(i, null);
			}
			if (c == '/') {
				i++;
				continue;
			}
			int nameStart = i;
			while (i < xml.length() && !isXmlSpace(xml.charAt(i)) && "=>/".indexOf(xml.charAt(i)) < 0) {
				i++;
			}
			String name = xml.substring(nameStart, i);
			while (i < xml.length() && isXmlSpace(xml.charAt(i))) {
				i++;
			}
			if (i >= xml.length() || xml.charAt(i) != '=') {
				continue; // not well-formed: the parser refuses it
			}
			i++;
			while (i < xml.length() && isXmlSpace(xml.charAt(i))) {
				i++;
			}
			if (i >= xml.length() || (xml.charAt(i) != '"' && xml.charAt(i) != '\'')) {
				continue;
			}
			int close = xml.indexOf(xml.charAt(i), i + 1);
			if (close < 0) {
				return new Tag(-1, null);
			}
			if (name.equals("value")) {
				Optional<String> number = NumberBounds.problemIn(xmlAttributeValue(xml, i + 1, close), true);
				if (number.isPresent()) {
					return new Tag(close, number.get());
				}
			}
			i = close + 1;
		}
		return new Tag(-1, null);
	}

	private static boolean isXmlSpace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	}

	/** An attribute's text as an XML parser reads it: character references and the predefined entities replaced. */
	static String xmlAttributeValue(String xml, int from, int to) {
		int amp = xml.indexOf('&', from);
		if (amp < 0 || amp >= to) {
			return xml.substring(from, to);
		}
		StringBuilder value = new StringBuilder(to - from);
		for (int i = from; i < to; i++) {
			char c = xml.charAt(i);
			int semicolon = c == '&' ? xml.indexOf(';', i) : -1;
			if (semicolon < 0 || semicolon >= to) {
				value.append(c);
				continue;
			}
			String reference = xml.substring(i + 1, semicolon);
			int code = reference.startsWith("#x") ? hex(reference, 2, reference.length())
					: reference.startsWith("#") && reference.length() > 1 && reference.substring(1).chars().allMatch(Character::isDigit)
							&& reference.length() < 9 ? Integer.parseInt(reference.substring(1))
					: switch (reference) {
						case "lt" -> '<';
						case "gt" -> '>';
						case "amp" -> '&';
						case "quot" -> '"';
						case "apos" -> '\'';
						default -> -1;
					};
			if (code < 0 || !Character.isValidCodePoint(code)) {
				value.append(c);
				continue;
			}
			value.appendCodePoint(code);
			i = semicolon;
		}
		return value.toString();
	}
}
