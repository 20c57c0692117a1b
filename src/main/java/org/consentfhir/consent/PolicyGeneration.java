package org.consentfhir.consent;

import javax.sql.DataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A counter in the database that every change to access policy (a Consent, a PractitionerRole, a
 * CareTeam) increments inside the transaction that makes the change. Every server node reads it once
 * per request and drops its cached decision inputs when it moved, so a change committed by any node
 * is seen by the very next request on all of them, with one primary-key read per request.
 */
public class PolicyGeneration {

	private static final String BUMPED_KEY = PolicyGeneration.class.getName() + ".bumped";

	private final JdbcTemplate jdbc;

	public PolicyGeneration(DataSource dataSource) {
		new ResourceDatabasePopulator(new ClassPathResource("consent/schema.sql")).execute(dataSource);
		this.jdbc = new JdbcTemplate(dataSource);
	}

	public long current() {
		Long value = jdbc.queryForObject("SELECT generation FROM fhir_policy_generation WHERE id = 1", Long.class);
		return value == null ? 0 : value;
	}

	/** Increments the counter in the caller's transaction (once per transaction), or on its own without one. */
	public void bump() {
		if (TransactionSynchronizationManager.isActualTransactionActive() && TransactionSynchronizationManager.isSynchronizationActive()) {
			if (TransactionSynchronizationManager.hasResource(BUMPED_KEY)) {
				return;
			}
			TransactionSynchronizationManager.bindResource(BUMPED_KEY, Boolean.TRUE);
			TransactionSynchronizationManager.registerSynchronization(new org.springframework.transaction.support.TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(BUMPED_KEY);
				}
			});
		}
		jdbc.update("UPDATE fhir_policy_generation SET generation = generation + 1 WHERE id = 1");
	}
}
