package org.consentfhir.storage;

import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.consentfhir.interceptors.policy.PolicyChangeCounter;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * A counter in the database that every change to access policy (a Consent, a PractitionerRole, a
 * CareTeam) increments inside the transaction that makes the change. Every server node reads it once
 * per request and drops its cached decision inputs when it moved, so a change committed by any node
 * is seen by the very next request on all of them, with one primary-key read per request.
 *
 * <p>The table holds one row per counter, so that a kind of change that is frequent (a token
 * revoked at sign-out, counter {@code org.consentfhir.auth.RevocationList}'s) does not drop the
 * caches of another (consent, counter {@link #ACCESS_POLICY}).
 *
 * <p>Within an HTTP request the counters are read together, once: the first {@link #current()} of
 * the request reads every row, and the request's later reads (the token's revocation check, then
 * consent) take their counter from that read. A change committed meanwhile by another node is seen
 * by the next request, as before; a {@link #bump()} in the request forgets the read.
 */
public class PolicyGeneration implements PolicyChangeCounter {

	/** The counter of Consents, affiliations and alert rules. */
	public static final int ACCESS_POLICY = 1;

	/** The request attribute holding the counters as this request first read them. */
	private static final String READ_IN_THIS_REQUEST = PolicyGeneration.class.getName() + ".read";

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
		RequestAttributes request = RequestContextHolder.getRequestAttributes();
		if (request == null) { // outside a request: a job, a notification, a start
			Long value = jdbc.queryForObject("SELECT generation FROM fhir_policy_generation WHERE id = ?", Long.class, counter);
			return value == null ? 0 : value;
		}
		@SuppressWarnings("unchecked")
		Map<Integer, Long> read = (Map<Integer, Long>) request.getAttribute(READ_IN_THIS_REQUEST, RequestAttributes.SCOPE_REQUEST);
		if (read == null) {
			Map<Integer, Long> rows = new HashMap<>();
			jdbc.query("SELECT id, generation FROM fhir_policy_generation", row -> {
				rows.put(row.getInt(1), row.getLong(2));
			});
			request.setAttribute(READ_IN_THIS_REQUEST, rows, RequestAttributes.SCOPE_REQUEST);
			read = rows;
		}
		return read.getOrDefault(counter, 0L);
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
		RequestAttributes request = RequestContextHolder.getRequestAttributes();
		if (request != null) {
			request.removeAttribute(READ_IN_THIS_REQUEST, RequestAttributes.SCOPE_REQUEST);
		}
	}
}
