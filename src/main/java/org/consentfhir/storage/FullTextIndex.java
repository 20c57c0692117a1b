package org.consentfhir.storage;

import ca.uhn.fhir.jpa.search.HapiHSearchAnalysisConfigurers;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code _text} and {@code _content} search without Elasticsearch: Hibernate Search with a Lucene
 * index on the local disk, beside the embedded database. A Lucene directory belongs to one node, so
 * a multi-node deployment switches it off (or moves to a shared search backend).
 *
 * <p>Index changes are made visible to searches before a write returns ({@code read-sync}) but are
 * flushed to disk by Lucene's periodic commit rather than with an fsync per write ({@code write-sync},
 * the default). The database stays the durable record; the index is derived from it and HAPI's
 * {@code $reindex} rebuilds it.
 */
final class FullTextIndex {

	private FullTextIndex() {}

	static Map<String, Object> hibernateSearchProperties(boolean enabled, Path dataDir) {
		if (!enabled) {
			return Map.of("hibernate.search.enabled", "false");
		}
		return Map.of(
				"hibernate.search.enabled", "true",
				"hibernate.search.backend.type", "lucene",
				"hibernate.search.backend.analysis.configurer",
						HapiHSearchAnalysisConfigurers.HapiLuceneAnalysisConfigurer.class.getName(),
				"hibernate.search.backend.directory.type", "local-filesystem",
				"hibernate.search.backend.directory.root",
						dataDir.resolve("lucene").toAbsolutePath().toString(),
				"hibernate.search.backend.lucene_version", "LUCENE_CURRENT",
				"hibernate.search.indexing.plan.synchronization.strategy", "read-sync",
				"hibernate.search.schema_management.strategy", "create-or-update");
	}
}
