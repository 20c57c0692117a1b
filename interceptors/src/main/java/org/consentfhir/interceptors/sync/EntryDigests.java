package org.consentfhir.interceptors.sync;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Checks the per-entry digests of a JSON Bundle ({@value #EXTENSION_URL} on {@code Bundle.entry}):
 * each is the SHA-256 of the exact bytes of that entry's {@code "resource"} object as sent, from its
 * opening brace to its closing brace. The bytes are found with a streaming JSON parser, so nothing
 * is re-serialized and the client's own formatting is what counts.
 */
public final class EntryDigests {

	public static final String EXTENSION_URL = "https://consentfhir.org/fhir/StructureDefinition/entry-sha256";

	private static final JsonFactory JSON = new JsonFactory();

	private EntryDigests() {}

	/** The problems found, one per entry whose digest does not match (or cannot be read); empty when all match. */
	public static List<String> mismatches(byte[] body) {
		List<String> problems = new ArrayList<>();
		try (JsonParser parser = JSON.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return problems;
			}
			while (parser.nextToken() == JsonToken.FIELD_NAME) {
				String field = parser.currentName();
				parser.nextToken();
				if ("entry".equals(field) && parser.currentToken() == JsonToken.START_ARRAY) {
					int index = 0;
					while (parser.nextToken() == JsonToken.START_OBJECT) {
						checkEntry(parser, body, index++, problems);
					}
				} else {
					parser.skipChildren();
				}
			}
		} catch (IOException e) {
			// not JSON: HAPI's parser answers the body itself
		}
		return problems;
	}

	private static void checkEntry(JsonParser parser, byte[] body, int index, List<String> problems) throws IOException {
		String expected = null;
		byte[] resource = null;
		while (parser.nextToken() == JsonToken.FIELD_NAME) {
			String field = parser.currentName();
			parser.nextToken();
			if ("extension".equals(field) && parser.currentToken() == JsonToken.START_ARRAY) {
				while (parser.nextToken() == JsonToken.START_OBJECT) {
					String[] urlAndValue = extension(parser);
					if (EXTENSION_URL.equals(urlAndValue[0])) {
						expected = urlAndValue[1];
					}
				}
			} else if ("resource".equals(field) && parser.currentToken() == JsonToken.START_OBJECT) {
				int start = (int) parser.currentTokenLocation().getByteOffset();
				parser.skipChildren();
				int end = (int) parser.currentLocation().getByteOffset();
				resource = Arrays.copyOfRange(body, start, end);
			} else {
				parser.skipChildren();
			}
		}
		if (expected == null) {
			return;
		}
		if (resource == null) {
			problems.add("Bundle.entry[" + index + "] carries " + EXTENSION_URL + " but no resource");
			return;
		}
		byte[] wanted;
		try {
			wanted = Base64.getDecoder().decode(expected);
		} catch (IllegalArgumentException e) {
			problems.add("Bundle.entry[" + index + "]: the entry digest is not base64");
			return;
		}
		if (!MessageDigest.isEqual(wanted, sha256(resource))) {
			problems.add("Bundle.entry[" + index + "]: the SHA-256 of the entry's resource does not match its " + EXTENSION_URL
					+ " (the entry was changed or damaged on the way)");
		}
	}

	/** url and valueBase64Binary of one extension object (the parser is on its START_OBJECT). */
	private static String[] extension(JsonParser parser) throws IOException {
		String url = null;
		String value = null;
		while (parser.nextToken() == JsonToken.FIELD_NAME) {
			String field = parser.currentName();
			parser.nextToken();
			if ("url".equals(field)) {
				url = parser.getValueAsString();
			} else if ("valueBase64Binary".equals(field)) {
				value = parser.getValueAsString();
			} else {
				parser.skipChildren();
			}
		}
		return new String[] {url, value};
	}

	static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
