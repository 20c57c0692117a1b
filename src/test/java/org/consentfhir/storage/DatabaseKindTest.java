package org.consentfhir.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import org.junit.jupiter.api.Test;

class DatabaseKindTest {

	@Test
	void recognisesTheDatabaseFromTheJdbcUrl() {
		assertThat(DatabaseKind.fromJdbcUrl("jdbc:h2:file:./data/h2/fhir")).isEqualTo(DatabaseKind.H2);
		DatabaseKind postgres = DatabaseKind.fromJdbcUrl("jdbc:postgresql://db:5432/fhir");
		assertThat(postgres).isEqualTo(DatabaseKind.POSTGRES);
		assertThat(postgres.migrationDriver()).isEqualTo(DriverTypeEnum.POSTGRES_9_4);
		assertThat(postgres.hibernateDialect()).endsWith("HapiFhirPostgresDialect");
		assertThat(postgres.driverProperties()).containsEntry("reWriteBatchedInserts", "true");
	}

	@Test
	void refusesDatabasesItDoesNotSupport() {
		assertThatThrownBy(() -> DatabaseKind.fromJdbcUrl("jdbc:mysql://db/fhir"))
				.hasMessageContaining("jdbc:postgresql");
	}
}
