package org.consentfhir.audit;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores every AuditEvent before the response it describes is sent, so that none is lost even if
 * the server is killed right after answering.
 *
 * <ul>
 *   <li>An event of a write arrives inside the write's own transaction: the events of the
 *       transaction are merged ({@link AuditRecords}) and stored once it has committed, before
 *       the response; a rolled-back write leaves none.</li>
 *   <li>Both go through group commit: the request thread queues its events and waits; one writer
 *       thread stores everything queued so far in one database transaction, then releases all the
 *       waiting threads. Many concurrent requests cost one commit.</li>
 * </ul>
 *
 * If an event cannot be stored the request fails (500): access without a record does not happen.
 */
public class DurableAuditSink implements IBalpAuditEventSink {

	private static final Logger log = LoggerFactory.getLogger(DurableAuditSink.class);
	private static final int MAX_BATCH = 500;

	private final AuditEventStore store;
	private final TransactionTemplate transactions;
	private final Duration waitLimit;
	private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
	private final Thread writer;
	private volatile boolean running = true;

	private record Pending(AuditEvent event, CompletableFuture<Void> stored) {}

	public DurableAuditSink(AuditEventStore store, PlatformTransactionManager transactionManager, Duration waitLimit) {
		this.store = store;
		this.transactions = new TransactionTemplate(transactionManager);
		this.waitLimit = waitLimit;
		this.writer = new Thread(this::writeBatches, "audit-group-commit");
		this.writer.setDaemon(true);
		this.writer.start();
	}

	@Override
	public void recordAuditEvent(AuditEvent event) {
		AuditRecords.normalize(event);
		if (TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive()
				&& !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			eventsOfThisTransaction().add(event);
			return;
		}
		storeAndWait(List.of(event));
	}

	/** Queues the events for the group-commit writer and returns once they are committed. */
	private void storeAndWait(List<AuditEvent> events) {
		List<CompletableFuture<Void>> stored = new ArrayList<>();
		for (AuditEvent event : events) {
			Pending pending = new Pending(event, new CompletableFuture<>());
			stored.add(pending.stored());
			queue.add(pending);
		}
		try {
			CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new InternalErrorException("Interrupted while the audit record was being stored", e);
		} catch (ExecutionException | TimeoutException e) {
			throw new InternalErrorException("The audit record could not be stored; the request is refused", e);
		}
	}

	/**
	 * The events of the current write transaction, merged and stored right after it commits, before
	 * the response, by the group-commit writer like every other event: a transaction that rolls back
	 * leaves no record of a write that did not happen.
	 */
	@SuppressWarnings("unchecked")
	private List<AuditEvent> eventsOfThisTransaction() {
		List<AuditEvent> events = (List<AuditEvent>) TransactionSynchronizationManager.getResource(this);
		if (events == null) {
			List<AuditEvent> buffer = new ArrayList<>();
			TransactionSynchronizationManager.bindResource(this, buffer);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(DurableAuditSink.this);
					if (status == STATUS_COMMITTED) {
						storeAndWait(AuditRecords.merge(buffer));
					}
				}
			});
			events = buffer;
		}
		return events;
	}

	private void writeBatches() {
		List<Pending> batch = new ArrayList<>();
		while (running || !queue.isEmpty()) {
			try {
				Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, MAX_BATCH - 1);
				transactions.executeWithoutResult(status -> store.insert(batch.stream().map(Pending::event).toList()));
				batch.forEach(p -> p.stored().complete(null));
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			} catch (RuntimeException e) {
				batch.forEach(this::storeAlone);
			} finally {
				batch.clear();
			}
		}
	}

	/** After a batch failed: each record on its own, so one bad record fails only its own request. */
	private void storeAlone(Pending pending) {
		try {
			transactions.executeWithoutResult(status -> store.insert(List.of(pending.event())));
			pending.stored().complete(null);
		} catch (RuntimeException e) {
			log.error("Storing an audit record failed", e);
			pending.stored().completeExceptionally(e);
		}
	}

	@PreDestroy
	void stop() throws InterruptedException {
		running = false;
		writer.join(Duration.ofSeconds(10).toMillis());
	}
}
