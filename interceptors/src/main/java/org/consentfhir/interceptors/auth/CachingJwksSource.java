package org.consentfhir.interceptors.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An external issuer's JSON Web Key Set, fetched over HTTP from its {@code jwks_uri} and cached
 * with caffeine. A token signed with a key the cached set does not hold (an unknown {@code kid},
 * as after the issuer rotates its keys) makes it fetch the set again at once, but never more often
 * than {@code minRefetchInterval}, so a flood of forged {@code kid}s cannot turn into a flood of fetches.
 */
public class CachingJwksSource implements JWKSource<SecurityContext> {

	private static final String KEY = "jwks";

	private final URI jwksUri;
	private final HttpClient http;
	private final Duration minRefetchInterval;
	private final Clock clock;
	private final LoadingCache<String, JWKSet> cache;
	private final AtomicReference<Instant> lastFetch = new AtomicReference<>(Instant.EPOCH);

	public CachingJwksSource(URI jwksUri, Duration timeToLive, Duration minRefetchInterval) {
		this(jwksUri, timeToLive, minRefetchInterval, Clock.systemUTC());
	}

	CachingJwksSource(URI jwksUri, Duration timeToLive, Duration minRefetchInterval, Clock clock) {
		this.jwksUri = jwksUri;
		this.minRefetchInterval = minRefetchInterval;
		this.clock = clock;
		this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		this.cache = Caffeine.newBuilder().expireAfterWrite(timeToLive).build(key -> fetch());
	}

	@Override
	public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
		List<JWK> keys = selector.select(cached());
		if (keys.isEmpty() && mayRefetch()) {
			cache.invalidate(KEY);
			keys = selector.select(cached());
		}
		return keys;
	}

	private JWKSet cached() throws KeySourceException {
		try {
			return cache.get(KEY);
		} catch (RuntimeException e) {
			throw new KeySourceException("Cannot fetch the issuer's keys from " + jwksUri, e);
		}
	}

	private boolean mayRefetch() {
		Instant now = clock.instant();
		Instant last = lastFetch.get();
		return now.isAfter(last.plus(minRefetchInterval)) && lastFetch.compareAndSet(last, now);
	}

	private JWKSet fetch() throws IOException, InterruptedException, ParseException {
		lastFetch.set(clock.instant());
		HttpRequest request = HttpRequest.newBuilder(jwksUri)
				.timeout(Duration.ofSeconds(10))
				.header("Accept", "application/json")
				.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("GET " + jwksUri + " answered " + response.statusCode());
		}
		return JWKSet.parse(response.body());
	}
}
