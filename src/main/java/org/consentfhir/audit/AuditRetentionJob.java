package org.consentfhir.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way AuditEvents leave the trail: a system job, run every {@code fhir.audit.retention-run-every},
 * deletes those recorded before now minus {@code fhir.audit.retention} from the {@link AuditEventStore}.
 * Nothing else deletes an AuditEvent.
 */
public class AuditRetentionJob implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AuditRetentionJob.class);

	private final AuditEventStore store;
	private final Duration retention;
	private final Clock clock;
	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread thread = new Thread(r, "audit-retention");
		thread.setDaemon(true);
		return thread;
	});

	public AuditRetentionJob(AuditEventStore store, Duration retention, Clock clock) {
		this.store = store;
		this.retention = retention;
		this.clock = clock;
	}

	void schedule(Duration every) {
		scheduler.scheduleWithFixedDelay(() -> {
			try {
				run();
			} catch (RuntimeException e) {
				log.error("Audit retention run failed; it runs again in {}", every, e);
			}
		}, every.toSeconds(), every.toSeconds(), TimeUnit.SECONDS);
	}

	/** Deletes every AuditEvent recorded before the retention cut-off; answers how many. */
	public int run() {
		Instant cutoff = clock.instant().minus(retention);
		int deleted = store.deleteRecordedBefore(cutoff);
		if (deleted > 0) {
			log.info("Audit retention removed {} AuditEvents recorded before {}", deleted, cutoff);
		}
		return deleted;
	}

	@Override
	public void close() {
		scheduler.shutdownNow();
	}
}
