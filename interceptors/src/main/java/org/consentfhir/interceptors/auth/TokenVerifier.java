package org.consentfhir.interceptors.auth;

/** Turns a bearer token into what it says about the caller, or refuses it. */
public interface TokenVerifier {

	/**
	 * @param token the compact JWT from the {@code Authorization: Bearer} header
	 * @param audience the FHIR base URL the token must be meant for
	 * @param requestOrigin scheme, host and port the request came to (e.g. {@code http://localhost:8080}),
	 *     the built-in issuer's name when none is configured
	 */
	AccessToken verify(String token, String audience, String requestOrigin) throws InvalidTokenException;
}
