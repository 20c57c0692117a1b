package org.consentfhir.storage;

import javax.sql.DataSource;
import org.consentfhir.interceptors.policy.PolicyChangeCounter;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A counter in the database that every change to access policy (a Consent, a PractitionerRole, a
 * CareTeam) increments inside the transaction that makes the change. Every server node reads it once
 * per request and drops its cached decision inputs when it moved, so a change committed by any node
 * is seen by the very next request on all of them, with one primary-key read per request.
 *
 * <p>The table holds one row per counter, so that a kind of change that is frequent (a token
 * revoked at sign-out, counter {@code org.consentfhir.auth.RevocationList}'s) does not drop the
 * caches of another (consent, counter {@link #ACCESS_POLICY}).
 */
public class PolicyGeneration implements PolicyChangeCounter {

	/** The counter of Consents, affiliations and alert rules. */
	public static final int ACCESS_POLICY = 1;

	private final String bumpedKey;
	private final JdbcTemplate jdbc;
	private final int counter;

	public PolicyGeneration(DataSource dataSource) {
		this(dataSource, ACCESS_POLICY);
	}

	/** @param counter the row of {@code fhir_policy_generation} this generation counts in */
	public PolicyGeneration(DataSource dataSource, int counter) {
		new ResourceDatabasePopulator(new ClassPathResource("storage/policy-generation.sql")).execute(dataSource);
		this.jdbc = new JdbcTemplate(dataSource);
		this.counter = counter;
		this.bumpedKey = PolicyGeneration.class.getName() + ".bumped." + counter;
		try {
			jdbc.update("INSERT INTO fhir_policy_generation (id, generation) SELECT CAST(? AS integer), 0 WHERE NOT EXISTS "
					+ "(SELECT 1 FROM fhir_policy_generation WHERE id = ?)", counter, counter);
		} catch (DuplicateKeyException anotherNodeStartedFirst) {
			// the row is there, which is all that matters
		}
	}

	public long current() {
		Long value = jdbc.queryForObject("SELECT generation FROM fhir_policy_generation WHERE id = ?", Long.class, counter);
		return value == null ? 0 : value;
	}

	/** Increments the counter in the caller's transaction (once per transaction), or on its own without one. */
	@Override
	public void bump() {
		if (TransactionSynchronizationManager.isActualTransactionActive() && TransactionSynchronizationManager.isSynchronizationActive()) {
			if (TransactionSynchronizationManager.hasResource(bumpedKey)) {
				return;
			}
			TransactionSynchronizationManager.bindResource(bumpedKey, Boolean.TRUE);
			TransactionSynchronizationManager.registerSynchronization(new org.springframework.transaction.support.TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(bumpedKey);
				}
			});
		}
		jdbc.update("UPDATE fhir_policy_generation SET generation = generation + 1 WHERE id = ?", counter);
	}
}
