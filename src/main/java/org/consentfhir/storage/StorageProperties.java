package org.consentfhir.storage;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
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
 * @param tokenTextIndexed    also index the display text of every coding, for the {@code :text} modifier of token
 *                            searches (one string row per coding; off: {@code :text} is answered 405)
 * @param searchParametersOn  built-in search parameters switched back on from {@code fhir-profiles/search-parameters-off.tsv},
 *                            as {@code Type.code}
 */
@Validated
@ConfigurationProperties(prefix = "fhir.storage")
public record StorageProperties(
		@NotBlank String dataDir,
		boolean fulltextEnabled,
		@Min(0) int inlineTextBelowSize,
		@Min(1) int jdbcBatchSize,
		boolean tokenTextIndexed,
		List<String> searchParametersOn) {

	public StorageProperties {
		searchParametersOn = searchParametersOn == null ? List.of() : List.copyOf(searchParametersOn);
	}
}
