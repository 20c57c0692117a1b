package org.consentfhir.storage;

import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.MigrationResult;
import ca.uhn.fhir.jpa.migrate.SchemaMigrator;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the database schema with HAPI FHIR's own migration tasks, the same ones
 * HAPI's {@code migrate-database} command runs. A fresh database gets the current schema in one
 * step; an older one is brought forward task by task. Hibernate never changes the schema
 * ({@code hbm2ddl.auto=none}).
 */
final class SchemaMigration {

	private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

	private SchemaMigration() {}

	static void migrate(DataSource dataSource, DatabaseKind kind) {
		long start = System.nanoTime();
		HapiMigrator migrator =
				new HapiMigrator(SchemaMigrator.HAPI_FHIR_MIGRATION_TABLENAME, dataSource, kind.migrationDriver());
		migrator.addTasks(new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
		migrator.createMigrationTableIfRequired();
		MigrationResult result = migrator.migrate();
		log.info(
				"Database schema ready on {}: {} migration tasks applied in {} ms",
				kind,
				result.succeededTasks.size(),
				(System.nanoTime() - start) / 1_000_000);
	}
}
