package org.consentfhir.interceptors.auth;

/** Where a SMART client finds the authorization server that guards this FHIR server. */
public record SmartEndpoints(
		String issuer,
		String authorize,
		String token,
		String jwks,
		String register,
		String revoke,
		String introspect) {

	/** The built-in authorization server's endpoints under its issuer URL. */
	public static SmartEndpoints underIssuer(String issuer) {
		return new SmartEndpoints(issuer, issuer + "/oauth2/authorize", issuer + "/oauth2/token", issuer + "/oauth2/jwks",
				issuer + "/connect/register", issuer + "/oauth2/revoke", issuer + "/oauth2/introspect");
	}
}
