package org.consentfhir.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
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
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores every AuditEvent before the response it describes is sent, so that none is lost even if
 * the server is killed right after answering.
 *
 * <ul>
 *   <li>An event of a write arrives inside the write's own transaction: it is stored in that
 *       transaction, so the record and its audit commit (or roll back) together.</li>
 *   <li>An event of a read is stored by group commit: the request thread queues it and waits; one
 *       writer thread stores everything queued so far in one database transaction, then releases
 *       all the waiting threads. Many concurrent reads cost one commit.</li>
 * </ul>
 *
 * If an event cannot be stored the request fails (500): access without a record does not happen.
 */
public class DurableAuditSink implements IBalpAuditEventSink {

	private static final Logger log = LoggerFactory.getLogger(DurableAuditSink.class);
	private static final int MAX_BATCH = 500;
	/** The identifier system under which a deleted resource's id is kept in its AuditEvent. */
	public static final String DELETED_RESOURCE_SYSTEM = "urn:consentfhir:deleted-resource";

	private final IFhirResourceDao<AuditEvent> dao;
	private final TransactionTemplate transactions;
	private final Duration waitLimit;
	private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
	private final Thread writer;
	private volatile boolean running = true;

	private record Pending(AuditEvent event, CompletableFuture<Void> stored) {}

	public DurableAuditSink(DaoRegistry daos, PlatformTransactionManager transactionManager, Duration waitLimit) {
		this.dao = daos.getResourceDao(AuditEvent.class);
		this.transactions = new TransactionTemplate(transactionManager);
		this.waitLimit = waitLimit;
		this.writer = new Thread(this::writeBatches, "audit-group-commit");
		this.writer.setDaemon(true);
		this.writer.start();
	}

	@Override
	public void recordAuditEvent(AuditEvent event) {
		keepDeletedResourcesAsIdentifiers(event);
		if (TransactionSynchronizationManager.isActualTransactionActive()
				&& !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			dao.create(event, new SystemRequestDetails());
			return;
		}
		Pending pending = new Pending(event, new CompletableFuture<>());
		queue.add(pending);
		try {
			pending.stored().get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new InternalErrorException("Interrupted while the audit record was being stored", e);
		} catch (ExecutionException | TimeoutException e) {
			throw new InternalErrorException("The audit record could not be stored; the request is refused", e);
		}
	}

	/**
	 * A delete's event names a resource that no longer exists, which the store's referential
	 * integrity refuses as a reference: it is kept as an identifier ({@code Observation/12/_history/3}).
	 */
	static void keepDeletedResourcesAsIdentifiers(AuditEvent event) {
		if (event.getAction() != AuditEvent.AuditEventAction.D) {
			return;
		}
		java.util.Set<String> deleted = new java.util.HashSet<>();
		event.getEntity().stream()
				.filter(e -> "4".equals(e.getRole().getCode()) && e.getWhat().hasReference())
				.forEach(e -> deleted.add(e.getWhat().getReferenceElement().toUnqualifiedVersionless().getValue()));
		for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
			if (entity.getWhat().hasReference()
					&& deleted.contains(entity.getWhat().getReferenceElement().toUnqualifiedVersionless().getValue())) {
				String reference = entity.getWhat().getReference();
				entity.setWhat(new org.hl7.fhir.r4.model.Reference()
						.setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(DELETED_RESOURCE_SYSTEM).setValue(reference))
						.setDisplay(reference + " (deleted)"));
			}
		}
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
				transactions.executeWithoutResult(status -> {
					SystemRequestDetails system = new SystemRequestDetails();
					batch.forEach(p -> dao.create(p.event(), system));
				});
				batch.forEach(p -> p.stored().complete(null));
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			} catch (RuntimeException e) {
				log.error("Storing {} audit records failed", batch.size(), e);
				batch.forEach(p -> p.stored().completeExceptionally(e));
			} finally {
				batch.clear();
			}
		}
	}

	@PreDestroy
	void stop() throws InterruptedException {
		running = false;
		writer.join(Duration.ofSeconds(10).toMillis());
	}
}
