package org.consentfhir.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A fresh PostgreSQL database for the PostgreSQL tier, created once per test JVM on the server
 * named by {@code FHIR_TEST_PG_URL} (default the local cluster, user {@code postgres}). Databases
 * are named {@code consentfhir_test_*}; {@code .ci/run} drops old ones before a run.
 *
 * <p>Without a reachable server the tier is skipped with a message, unless
 * {@code FHIR_TEST_PG_REQUIRED=true} (set by {@code .ci/run} where PostgreSQL is installed), which
 * turns an unreachable server into a failure.
 */
public final class PostgresDatabase {

	private static final String SERVER_URL = env("FHIR_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
	private static final String USER = env("FHIR_TEST_PG_USER", "postgres");
	private static final String PASSWORD = env("FHIR_TEST_PG_PASSWORD", "");
	private static String databaseUrl;

	private PostgresDatabase() {}

	public static synchronized String url() {
		if (databaseUrl == null) {
			databaseUrl = newDatabase();
		}
		return databaseUrl;
	}

	/** Another fresh database, for a test that needs one of its own; returns its JDBC URL. */
	public static String newDatabase() {
		String name = "consentfhir_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
		try (Connection connection = DriverManager.getConnection(SERVER_URL + "postgres", USER, PASSWORD);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		} catch (SQLException e) {
			throw new IllegalStateException("PostgreSQL tier needs a PostgreSQL server at " + SERVER_URL, e);
		}
		return SERVER_URL + name;
	}

	public static String user() {
		return USER;
	}

	public static String password() {
		return PASSWORD;
	}

	/** JUnit {@code @EnabledIf} condition of the PostgreSQL tier. */
	public static boolean available() {
		try (Connection connection = DriverManager.getConnection(SERVER_URL + "postgres", USER, PASSWORD)) {
			return connection.isValid(5);
		} catch (SQLException e) {
			if (Boolean.parseBoolean(System.getenv("FHIR_TEST_PG_REQUIRED"))) {
				throw new IllegalStateException("FHIR_TEST_PG_REQUIRED is set but PostgreSQL at " + SERVER_URL
						+ " is unreachable", e);
			}
			LoggerFactory.getLogger(PostgresDatabase.class)
					.warn("PostgreSQL at {} is unreachable ({}): the PostgreSQL tier is SKIPPED", SERVER_URL, e.getMessage());
			return false;
		}
	}

	public static void register(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", PostgresDatabase::url);
		registry.add("spring.datasource.username", () -> USER);
		registry.add("spring.datasource.password", () -> PASSWORD);
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return value == null || value.isBlank() ? fallback : value;
	}
}
