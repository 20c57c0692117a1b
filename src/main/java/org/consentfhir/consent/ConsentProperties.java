package org.consentfhir.consent;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.consentfhir.interceptors.consent.DefaultConsentPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Consent settings, bound from {@code fhir.consent.*} (environment {@code FHIR_CONSENT_*}).
 *
 * @param defaultPolicy what applies to a patient whose Consents say nothing about a request:
 *     {@code opt-in} (needs a permit; the default) or {@code opt-out} (allowed unless denied)
 * @param trustedClients OAuth client ids the site trusts with every record (an integration engine, a
 *     data loader); their requests are audited but not checked against Consents. Empty by default.
 * @param grantTreatmentOnRegistration when a practitioner registers a Patient, grant a treatment
 *     ({@code TREAT}) Consent to the practitioner's organizations (or to the practitioner when they have none)
 */
@Validated
@ConfigurationProperties(prefix = "fhir.consent")
public record ConsentProperties(
		@NotNull DefaultConsentPolicy defaultPolicy,
		List<String> trustedClients,
		boolean grantTreatmentOnRegistration) {

	public ConsentProperties {
		trustedClients = trustedClients == null ? List.of() : List.copyOf(trustedClients);
	}
}
