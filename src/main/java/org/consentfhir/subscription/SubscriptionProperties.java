package org.consentfhir.subscription;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Subscription settings, bound from {@code fhir.subscription.*} (environment {@code FHIR_SUBSCRIPTION_*}).
 *
 * @param endpointPattern the regular expression a rest-hook endpoint must match (default any http or
 *                        https URL); narrow it to the hosts of the site's apps, as the server POSTs to it
 */
@Validated
@ConfigurationProperties(prefix = "fhir.subscription")
public record SubscriptionProperties(@NotBlank String endpointPattern) {}
