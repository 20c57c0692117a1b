package org.consentfhir.auth.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Refuses a client assertion ({@code private_key_jwt}) whose {@code jti} this server has already
 * seen from the same client, as SMART Backend Services requires; an assertion without {@code jti}
 * is refused too. Seen ids are remembered until the assertion expires (at most five minutes).
 */
final class ClientAssertionReplayGuard implements OAuth2TokenValidator<Jwt> {

	static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

	private final Cache<String, Instant> seen;
	private final Clock clock;

	ClientAssertionReplayGuard(Clock clock) {
		this.clock = clock;
		this.seen = Caffeine.newBuilder()
				.expireAfter(new Expiry<String, Instant>() {
					@Override
					public long expireAfterCreate(String key, Instant expiresAt, long now) {
						return Duration.between(clock.instant(), expiresAt).plus(Duration.ofMinutes(1)).toNanos();
					}

					@Override
					public long expireAfterUpdate(String key, Instant expiresAt, long now, long remaining) {
						return remaining;
					}

					@Override
					public long expireAfterRead(String key, Instant expiresAt, long now, long remaining) {
						return remaining;
					}
				})
				.maximumSize(1_000_000)
				.build();
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt assertion) {
		String jti = assertion.getId();
		if (jti == null || jti.isBlank()) {
			return failure("The client assertion has no jti");
		}
		Instant now = clock.instant();
		Instant expiresAt = assertion.getExpiresAt();
		if (expiresAt == null || expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
			return failure("The client assertion must expire within five minutes");
		}
		String key = assertion.getSubject() + " " + jti;
		return seen.asMap().putIfAbsent(key, expiresAt) == null
				? OAuth2TokenValidatorResult.success()
				: failure("The client assertion's jti has been used before");
	}

	private static OAuth2TokenValidatorResult failure(String description) {
		return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
	}
}
