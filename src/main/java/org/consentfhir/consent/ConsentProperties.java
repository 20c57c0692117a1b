package org.consentfhir.consent;

import jakarta.validation.constraints.NotNull;
import org.consentfhir.interceptors.consent.DefaultConsentPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Consent settings, bound from {@code fhir.consent.*} (environment {@code FHIR_CONSENT_*}).
 *
 * @param defaultPolicy what applies to a patient whose Consents say nothing about a request:
 *     {@code opt-in} (needs a permit; the default) or {@code opt-out} (allowed unless denied)
 */
@Validated
@ConfigurationProperties(prefix = "fhir.consent")
public record ConsentProperties(@NotNull DefaultConsentPolicy defaultPolicy) {}
