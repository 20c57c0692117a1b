package org.consentfhir.alerting;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.concurrent.atomic.AtomicReference;
import org.consentfhir.storage.PolicyGeneration;
import org.consentfhir.interceptors.alerting.AlertRuleSource;
import org.consentfhir.interceptors.alerting.AlertRules;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The rule book read from the stored ObservationDefinitions, held in memory.
 *
 * <p>Kept current without a restart: a definition written on this node drops the book once its
 * transaction commits ({@link org.consentfhir.interceptors.alerting.AlertRuleWriteInterceptor} says
 * when); a write on another node moves the shared {@link PolicyGeneration}, which is looked at no
 * more than once a second, so other nodes follow within a second.
 */
class StoredAlertRules implements AlertRuleSource {

	private static final long RECHECK_NANOS = 1_000_000_000L;

	private record Book(long generation, long checkedAt, AlertRules rules) {}

	private final DaoRegistry daos;
	private final PolicyGeneration generation;
	private final AtomicReference<Book> book = new AtomicReference<>();

	StoredAlertRules(DaoRegistry daos, PolicyGeneration generation) {
		this.daos = daos;
		this.generation = generation;
	}

	@Override
	public AlertRules current() {
		Book known = book.get();
		long now = System.nanoTime();
		if (known != null && now - known.checkedAt() < RECHECK_NANOS) {
			return known.rules();
		}
		long latest = generation.current();
		if (known != null && known.generation() == latest) {
			book.compareAndSet(known, new Book(latest, now, known.rules()));
			return known.rules();
		}
		Book loaded = new Book(latest, now, load());
		book.set(loaded);
		return loaded.rules();
	}

	private AlertRules load() {
		SearchParameterMap all = SearchParameterMap.newSynchronous();
		all.setLoadSynchronousUpTo(10_000);
		return AlertRules.fromDefinitions(daos.getResourceDao(ObservationDefinition.class)
				.search(all, new SystemRequestDetails()).getAllResources().stream()
				.map(ObservationDefinition.class::cast)
				.toList());
	}

	@Override
	public void reloadAfterCommit() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					book.set(null);
				}
			});
		} else {
			book.set(null);
		}
	}
}
