package org.consentfhir.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the FHIR endpoint, bound from {@code fhir.server.*} (environment: {@code FHIR_SERVER_*}).
 * Every property is listed in the README's configuration table.
 *
 * @param publicBaseUrl  the base URL clients see (behind a proxy); empty means "from the incoming request"
 * @param maxRequestSize request bodies above this size are refused with 413
 * @param maxBodyNestingDepth JSON objects/arrays or XML elements nested deeper than this are refused with 400
 * @param defaultPageSize search page size when the client gives no {@code _count}
 * @param maxPageSize    the largest {@code _count} honoured
 * @param maxSearchParameters a search with more parameter values than this (each AND-repeated value counts) is refused with 400
 * @param policyEnabled  registers this project's policy interceptors; off only for "policy off" benchmark runs
 */
@Validated
@ConfigurationProperties(prefix = "fhir.server")
public record FhirServerProperties(
		String publicBaseUrl,
		DataSize maxRequestSize,
		@Min(8) @Max(900) int maxBodyNestingDepth,
		@Min(1) @Max(1000) int defaultPageSize,
		@Min(1) @Max(5000) int maxPageSize,
		@Min(1) @Max(1000) int maxSearchParameters,
		boolean policyEnabled,
		@NotBlank String implementationDescription) {

	public FhirServerProperties {
		if (maxRequestSize == null) {
			maxRequestSize = DataSize.ofMegabytes(10);
		}
		if (defaultPageSize > maxPageSize) {
			throw new IllegalArgumentException("fhir.server.default-page-size must not exceed fhir.server.max-page-size");
		}
	}
}
