package org.consentfhir.interceptors.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * The built-in issuer's tokens that were withdrawn before they expired: revoked or replayed
 * tokens, tokens of a user who has since been disabled, tokens of a client that has been removed.
 * A JWT carries no state, so without this a revocation would only take effect at the token's
 * expiry. Asked by {@link JwtTokenVerifier} on every request, also for tokens it has already
 * verified; the server keeps the list in its database so that every node sees a revocation.
 */
public interface RevokedTokens {

	/** For servers without a built-in issuer: nothing is ever revoked. */
	RevokedTokens NONE = token -> Optional.empty();

	/** @return why the token may no longer be used, or empty while it may */
	Optional<String> refusal(Candidate token);

	/**
	 * What the list is checked against.
	 *
	 * @param tokenHash {@link #hash} of the compact token, or null when no one token is in question
	 *                  (a Subscription's subscriber: its user and client only)
	 * @param issuedAt the token's {@code iat}, or null if it has none (then it is older than any revocation)
	 */
	record Candidate(String tokenHash, String subject, String clientId, Instant issuedAt) {}

	/** SHA-256 of the token, base64url: the list never holds a usable token. */
	static String hash(String token) {
		try {
			byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
					.digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-256 is part of every JVM", e);
		}
	}
}
