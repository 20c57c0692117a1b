package org.consentfhir.breakglass;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentfhir.interceptors.auth.Role;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Emergency access settings, bound from {@code fhir.break-glass.*} (environment {@code FHIR_BREAK_GLASS_*}).
 *
 * @param roles           the roles that may break the glass (default {@code doctor})
 * @param defaultDuration how long an override lasts when the request names no duration (default 2 hours)
 * @param maxDuration     the longest an override may last; a longer request is cut to it (default 12 hours)
 */
@Validated
@ConfigurationProperties(prefix = "fhir.break-glass")
public record BreakGlassProperties(@NotEmpty List<String> roles, @NotNull Duration defaultDuration, @NotNull Duration maxDuration) {

	/** The roles as {@link Role}s; an unknown name stops the start-up. */
	public Set<Role> resolvedRoles() {
		return roles.stream()
				.map(r -> Role.of(r).orElseThrow(() -> new IllegalArgumentException("fhir.break-glass.roles: unknown role " + r)))
				.collect(Collectors.toUnmodifiableSet());
	}
}
