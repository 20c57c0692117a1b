package org.consentfhir.auth.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * EHR launch contexts: an EHR registers "this app is being launched for patient P (encounter E)"
 * and gets an opaque {@code launch} value to hand to the app; the app passes it back on its
 * authorization request, and the token carries the context. Kept in memory for ten minutes.
 */
public class LaunchContexts {

	/** @param patient a Patient id; @param encounter an Encounter id or null; @param createdBy who registered it */
	public record LaunchContext(String patient, String encounter, String createdBy) {}

	private final SecureRandom random = new SecureRandom();
	private final Cache<String, LaunchContext> contexts =
			Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(10)).maximumSize(100_000).build();

	public String register(LaunchContext context) {
		byte[] bytes = new byte[24];
		random.nextBytes(bytes);
		String launch = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		contexts.put(launch, context);
		return launch;
	}

	public Optional<LaunchContext> find(String launch) {
		return launch == null ? Optional.empty() : Optional.ofNullable(contexts.getIfPresent(launch));
	}
}
