package org.consentfhir.interceptors.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.util.Optional;

/**
 * What every bearer-token check of this server reads the same way: the token in an
 * {@code Authorization} header, the audience a token must name (the public FHIR base URL when one
 * is configured, else the base the request came to) and that URL's origin, the built-in issuer's
 * name when none is configured.
 */
public final class BearerCredentials {

	private static final String BEARER = "Bearer ";

	/** A server answers at one base URL or a few: each one's origin is parsed once. */
	private static final Cache<String, String> ORIGINS = Caffeine.newBuilder().maximumSize(64).build();

	private BearerCredentials() {}

	/** The token of an {@code Authorization: Bearer …} header; empty for no header or another scheme. */
	public static Optional<String> token(String authorizationHeader) {
		if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return Optional.empty();
		}
		return Optional.of(authorizationHeader.substring(BEARER.length()).trim());
	}

	/** @param publicBaseUrl configured FHIR base URL, may be blank; @param requestFhirBase the base the request came to */
	public static String audience(String publicBaseUrl, String requestFhirBase) {
		return publicBaseUrl == null || publicBaseUrl.isBlank() ? requestFhirBase : publicBaseUrl;
	}

	/** Scheme, host and port of a URL, e.g. {@code http://localhost:8080}. */
	public static String originOf(String url) {
		return ORIGINS.get(url, u -> {
			URI uri = URI.create(u);
			return uri.getScheme() + "://" + uri.getRawAuthority();
		});
	}
}
