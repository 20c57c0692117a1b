package org.consentfhir.storage;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Storage settings, bound from {@code fhir.storage.*}. The database itself comes from the standard
 * {@code spring.datasource.*} settings ({@code SPRING_DATASOURCE_URL} and friends).
 *
 * @param dataDir             where the embedded H2 database and the full-text index live
 * @param fulltextEnabled     index narrative and content for {@code _text} / {@code _content} (local Lucene index)
 * @param inlineTextBelowSize resources smaller than this many characters are stored inline, not as LOBs
 * @param jdbcBatchSize       Hibernate JDBC batch size for inserts and updates
 */
@Validated
@ConfigurationProperties(prefix = "fhir.storage")
public record StorageProperties(
		@NotBlank String dataDir, boolean fulltextEnabled, @Min(0) int inlineTextBelowSize, @Min(1) int jdbcBatchSize) {}
