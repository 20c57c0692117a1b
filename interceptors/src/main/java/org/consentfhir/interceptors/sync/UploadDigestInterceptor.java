package org.consentfhir.interceptors.sync;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * Refuses an upload that was damaged on the way, with 400 and nothing stored, before any other work:
 *
 * <ul>
 *   <li>the body's digest, when the client sends one: {@code Repr-Digest} or {@code Content-Digest}
 *       ({@code sha-256=:<base64>:}, RFC 9530) or the older {@code Digest} ({@code sha-256=<base64>},
 *       RFC 3230). It covers the body as received (decompressed, if sent compressed). A digest header
 *       without a SHA-256 member is refused too;</li>
 *   <li>each entry's digest of a transaction or batch Bundle ({@link EntryDigests}, JSON bodies).</li>
 * </ul>
 *
 * <p>Hooks {@code SERVER_INCOMING_REQUEST_POST_PROCESSED}, order {@link InterceptorOrder#UPLOAD_DIGEST}.
 */
@Interceptor(order = InterceptorOrder.UPLOAD_DIGEST)
public class UploadDigestInterceptor implements EndpointInterceptor {

	private static final List<String> HEADERS = List.of("Repr-Digest", "Content-Digest", "Digest");

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public boolean serverIncomingRequestPostProcessed(RequestDetails request) {
		String method = request.getRequestType() == null ? "" : request.getRequestType().name();
		if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
			return true;
		}
		for (String header : HEADERS) {
			String value = request.getHeader(header);
			if (value != null && !value.isBlank()) {
				checkBody(request, header, value);
			}
		}
		if (request.getRestOperationType() != ca.uhn.fhir.rest.api.RestOperationTypeEnum.TRANSACTION) {
			return true; // entry digests belong to transaction and batch Bundles
		}
		byte[] body = request.loadRequestContents();
		if (body != null && body.length > 0 && contains(body, EntryDigests.EXTENSION_URL)) {
			if (!isJson(body)) {
				throw refused(List.of("Entry digests (" + EntryDigests.EXTENSION_URL + ") are checked on JSON uploads only; send the Bundle as JSON"));
			}
			List<String> mismatches = EntryDigests.mismatches(body);
			if (!mismatches.isEmpty()) {
				throw refused(mismatches);
			}
		}
		return true;
	}

	private static void checkBody(RequestDetails request, String header, String value) {
		String expected = sha256Member(value);
		if (expected == null) {
			throw refused(List.of("The " + header + " header names no sha-256 digest; this server checks sha-256 only"));
		}
		byte[] wanted;
		try {
			wanted = Base64.getDecoder().decode(expected);
		} catch (IllegalArgumentException e) {
			throw refused(List.of("The " + header + " header's sha-256 digest is not base64"));
		}
		byte[] body = request.loadRequestContents();
		if (!MessageDigest.isEqual(wanted, EntryDigests.sha256(body == null ? new byte[0] : body))) {
			throw refused(List.of("The SHA-256 of the request body does not match its " + header + " header (the upload was changed or damaged on the way)"));
		}
	}

	/** The base64 of the {@code sha-256} member: {@code sha-256=:b64:} (RFC 9530) or {@code sha-256=b64} (RFC 3230). */
	static String sha256Member(String header) {
		for (String member : header.split(",")) {
			String[] parts = member.trim().split("=", 2);
			if (parts.length == 2 && parts[0].trim().toLowerCase(Locale.ROOT).equals("sha-256")) {
				String value = parts[1].trim();
				if (value.length() >= 2 && value.startsWith(":") && value.endsWith(":")) {
					value = value.substring(1, value.length() - 1);
				}
				return value;
			}
		}
		return null;
	}

	private static boolean isJson(byte[] body) {
		for (byte b : body) {
			if (!Character.isWhitespace(b)) {
				return b == '{';
			}
		}
		return false;
	}

	private static boolean contains(byte[] body, String text) {
		return new String(body, StandardCharsets.UTF_8).contains(text);
	}

	private static InvalidRequestException refused(List<String> problems) {
		OperationOutcome outcome = new OperationOutcome();
		problems.forEach(p -> outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.INVALID).setDiagnostics(p));
		return new InvalidRequestException("Checksum mismatch: " + String.join("; ", problems), outcome);
	}
}
