package org.consentfhir.abdm;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * ABDM settings, bound from {@code fhir.abdm.*} (environment {@code FHIR_ABDM_*}).
 *
 * @param hipName the name of this HIP, the Organization that authors exported documents
 * @param hipId   its HFR facility id ({@code https://facility.ndhm.gov.in}), or empty
 */
@ConfigurationProperties(prefix = "fhir.abdm")
public record AbdmProperties(String hipName, String hipId) {}
