package org.consentfhir.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import org.consentfhir.web.FhirServerProperties;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.BearerCredentials;
import org.consentfhir.interceptors.auth.InvalidTokenException;
import org.consentfhir.interceptors.auth.TokenVerifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Bearer tokens on the admin API: verified exactly as on the FHIR endpoint (same issuers, same
 * audience, read by {@link BearerCredentials}), then required to carry the scope the action needs. 401 without a good token, 403
 * without the scope.
 */
class AdminTokens {

	private final TokenVerifier verifier;
	private final FhirServerProperties server;

	AdminTokens(TokenVerifier verifier, FhirServerProperties server) {
		this.verifier = verifier;
		this.server = server;
	}

	AccessToken require(HttpServletRequest request, String scope) {
		String bearer = BearerCredentials.token(request.getHeader(HttpHeaders.AUTHORIZATION))
				.orElseThrow(() -> new Problem(HttpStatus.UNAUTHORIZED, "an access token is required"));
		String requestFhirBase = ServletUriComponentsBuilder.fromContextPath(request).path("/fhir").toUriString();
		String audience = BearerCredentials.audience(server.publicBaseUrl(), requestFhirBase);
		try {
			AccessToken token = verifier.verify(bearer, audience, BearerCredentials.originOf(audience));
			if (!token.hasScope(scope)) {
				throw new Problem(HttpStatus.FORBIDDEN, "the token lacks the " + scope + " scope");
			}
			return token;
		} catch (InvalidTokenException e) {
			throw new Problem(HttpStatus.UNAUTHORIZED, e.getMessage());
		}
	}
}
