package org.consentfhir.interceptors.policy;

/**
 * The count of access-policy changes that every node shares (the server keeps it in the database),
 * moved by {@link PolicyGenerationInterceptor} inside the transaction that makes the change; caches of
 * decision inputs are dropped when it has moved.
 */
public interface PolicyChangeCounter {

	/** Counts one change in the current transaction (once per transaction), or on its own without one. */
	void bump();
}
