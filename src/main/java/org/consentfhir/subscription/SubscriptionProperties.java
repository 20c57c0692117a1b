package org.consentfhir.subscription;

import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Subscription settings, bound from {@code fhir.subscription.*} (environment {@code FHIR_SUBSCRIPTION_*}).
 * See {@code docs/subscriptions.md}.
 *
 * @param endpointPattern      the regular expression a rest-hook endpoint must match (default any http or
 *                             https URL); narrow it to the hosts of the site's apps, as the server POSTs to it
 * @param allowedInternalHosts host names (or IP literals) of internal endpoints the site allows, matched
 *                             exactly against the endpoint's host; none by default, so loopback, link-local
 *                             and private addresses are refused
 * @param allowedHeaders       the {@code channel.header} names a Subscription may have the server send
 *                             (default {@code Authorization})
 */
@Validated
@ConfigurationProperties(prefix = "fhir.subscription")
public record SubscriptionProperties(@NotBlank String endpointPattern, List<String> allowedInternalHosts, List<String> allowedHeaders) {

	public SubscriptionProperties {
		allowedInternalHosts = allowedInternalHosts == null ? List.of() : List.copyOf(allowedInternalHosts);
		allowedHeaders = allowedHeaders == null ? List.of("Authorization") : List.copyOf(allowedHeaders);
	}
}
