package org.consentfhir.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Patient identity settings, bound from {@code fhir.identity.*} (environment {@code FHIR_IDENTITY_*}).
 *
 * @param biometricSecret the key of the fingerprint HMAC (at least 32 characters); empty: generated at
 *                        first start and kept in {@code <data-dir>/identity/biometric-hmac.key}. Every
 *                        node must use the same key, and changing it orphans every enrolled fingerprint.
 */
@ConfigurationProperties(prefix = "fhir.identity")
public record IdentityProperties(String biometricSecret) {}
