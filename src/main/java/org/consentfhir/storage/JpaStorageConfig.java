package org.consentfhir.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.StorageSettings;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.cfg.AvailableSettings;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI FHIR JPA storage: storage settings, the entity manager factory and its transaction manager.
 *
 * <p>The schema is created and upgraded by {@link SchemaMigration} before Hibernate starts.
 * Performance settings are chosen for write-heavy clinical ingest without giving up durability:
 * JDBC batching, inline storage of small resources (no LOB round trips on PostgreSQL) and the
 * match-URL cache that makes repeated conditional creates cheap.
 */
@Configuration
public class JpaStorageConfig {

	@Bean
	public DatabaseKind databaseKind(DataSourceProperties dataSourceProperties) {
		return DatabaseKind.fromJdbcUrl(dataSourceProperties.determineUrl());
	}

	@Bean
	public JpaStorageSettings storageSettings(StorageProperties storage) {
		JpaStorageSettings settings = new JpaStorageSettings();
		settings.setInlineResourceTextBelowSize(storage.inlineTextBelowSize());
		settings.setMatchUrlCacheEnabled(true);
		settings.setAllowContainsSearches(true);
		settings.setAllowMultipleDelete(true);
		settings.setDeleteExpungeEnabled(false);
		settings.setExpungeEnabled(false);
		settings.setAutoCreatePlaceholderReferenceTargets(false);
		settings.setEnforceReferentialIntegrityOnWrite(true);
		settings.setEnforceReferentialIntegrityOnDelete(true);
		settings.setIndexMissingFields(StorageSettings.IndexEnabledEnum.DISABLED);
		// Search index rows carry only hashes, not SP_NAME/RES_TYPE copies: fewer bytes per write.
		settings.setIndexStorageOptimized(true);
		// a token's display text is indexed again as a string for :text searches, which no client here makes
		settings.setSuppressStringIndexingInTokens(!storage.tokenTextIndexed());
		settings.setHibernateSearchIndexFullText(storage.fulltextEnabled());
		settings.setAdvancedHSearchIndexing(false);
		settings.setStoreResourceInHSearchIndex(false);
		return settings;
	}

	/** One unpartitioned store. */
	@Bean
	public PartitionSettings partitionSettings() {
		return new PartitionSettings();
	}

	@Primary
	@Bean
	public LocalContainerEntityManagerFactoryBean entityManagerFactory(
			ConfigurableListableBeanFactory beanFactory,
			FhirContext fhirContext,
			JpaStorageSettings storageSettings,
			DataSource dataSource,
			DatabaseKind databaseKind,
			StorageProperties storage) {
		applyDriverProperties(dataSource, databaseKind);
		SchemaMigration.migrate(dataSource, databaseKind);

		LocalContainerEntityManagerFactoryBean factory =
				HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
		factory.setPersistenceUnitName("HAPI_PU");
		factory.setDataSource(dataSource);
		factory.setJpaPropertyMap(hibernateProperties(databaseKind, storage));
		return factory;
	}

	@Primary
	@Bean
	public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
		return new JpaTransactionManager(entityManagerFactory);
	}

	private static void applyDriverProperties(DataSource dataSource, DatabaseKind kind) {
		if (dataSource instanceof HikariDataSource hikari) {
			kind.driverProperties().forEach(hikari::addDataSourceProperty);
		}
	}

	private static Map<String, Object> hibernateProperties(DatabaseKind kind, StorageProperties storage) {
		Map<String, Object> properties = new HashMap<>();
		properties.put(AvailableSettings.DIALECT, kind.hibernateDialect());
		properties.put(AvailableSettings.HBM2DDL_AUTO, "none");
		properties.put(AvailableSettings.SCANNER, "org.hibernate.boot.archive.scan.internal.DisabledScanner");
		properties.put(AvailableSettings.STATEMENT_BATCH_SIZE, String.valueOf(storage.jdbcBatchSize()));
		properties.put(AvailableSettings.ORDER_INSERTS, "true");
		properties.put(AvailableSettings.ORDER_UPDATES, "true");
		properties.put(AvailableSettings.BATCH_VERSIONED_DATA, "true");
		properties.put(AvailableSettings.USE_SECOND_LEVEL_CACHE, "false");
		properties.put(AvailableSettings.USE_QUERY_CACHE, "false");
		properties.put(AvailableSettings.SHOW_SQL, "false");
		properties.putAll(FullTextIndex.hibernateSearchProperties(storage.fulltextEnabled(), Path.of(storage.dataDir())));
		return properties;
	}
}
