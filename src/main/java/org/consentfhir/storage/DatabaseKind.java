package org.consentfhir.storage;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import java.util.Map;

/** The databases this server supports, recognised from the JDBC URL. */
public enum DatabaseKind {
	H2(HapiFhirH2Dialect.class.getName(), DriverTypeEnum.H2_EMBEDDED, Map.of()),
	/** {@code reWriteBatchedInserts} turns Hibernate's JDBC batches into multi-row inserts. */
	POSTGRES(HapiFhirPostgresDialect.class.getName(), DriverTypeEnum.POSTGRES_9_4, Map.of("reWriteBatchedInserts", "true"));

	private final String hibernateDialect;
	private final DriverTypeEnum migrationDriver;
	private final Map<String, String> driverProperties;

	DatabaseKind(String hibernateDialect, DriverTypeEnum migrationDriver, Map<String, String> driverProperties) {
		this.hibernateDialect = hibernateDialect;
		this.migrationDriver = migrationDriver;
		this.driverProperties = driverProperties;
	}

	public static DatabaseKind fromJdbcUrl(String jdbcUrl) {
		if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:")) {
			return H2;
		}
		if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
			return POSTGRES;
		}
		throw new IllegalStateException("Unsupported database URL '" + jdbcUrl + "': use jdbc:h2:… or jdbc:postgresql:…");
	}

	public String hibernateDialect() {
		return hibernateDialect;
	}

	public DriverTypeEnum migrationDriver() {
		return migrationDriver;
	}

	public Map<String, String> driverProperties() {
		return driverProperties;
	}
}
