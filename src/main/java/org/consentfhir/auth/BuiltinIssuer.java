package org.consentfhir.auth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.consentfhir.interceptors.auth.JwtTokenVerifier;
import org.consentfhir.interceptors.auth.TrustedIssuer;

/**
 * The built-in authorization server as the resource server sees it: its name and its keys, read
 * in-process. With no issuer configured its name is the origin a request comes to, the same name
 * Spring Authorization Server gives itself when asked at that origin.
 */
public record BuiltinIssuer(String configuredIssuer, JWKSource<SecurityContext> keys) {

	TrustedIssuer trustedAt(String requestOrigin) {
		String issuer = configuredIssuer == null || configuredIssuer.isBlank() ? requestOrigin : configuredIssuer;
		return JwtTokenVerifier.builtin(issuer, keys);
	}
}
