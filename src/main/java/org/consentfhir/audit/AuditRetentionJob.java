package org.consentfhir.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.consentfhir.interceptors.audit.AuditEventImmutabilityInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way AuditEvents leave the trail: a system job, run every {@code fhir.audit.retention-run-every},
 * deletes those recorded before now minus {@code fhir.audit.retention}. Its requests carry
 * {@link AuditEventImmutabilityInterceptor#RETENTION_JOB}; nothing else can delete an AuditEvent.
 * Deleted events leave the API; their stored versions stay until the database is expunged (expunge
 * is off on this server).
 */
public class AuditRetentionJob implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AuditRetentionJob.class);
	private static final int BATCH = 500;

	private final IFhirResourceDao<AuditEvent> dao;
	private final Duration retention;
	private final Clock clock;
	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread thread = new Thread(r, "audit-retention");
		thread.setDaemon(true);
		return thread;
	});

	public AuditRetentionJob(DaoRegistry daos, Duration retention, Clock clock) {
		this.dao = daos.getResourceDao(AuditEvent.class);
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
		int deleted = 0;
		List<IBaseResource> expired;
		do {
			SearchParameterMap search = SearchParameterMap.newSynchronous("date", new DateParam(ParamPrefixEnum.LESSTHAN, Date.from(cutoff)));
			search.setCount(BATCH);
			search.setLoadSynchronousUpTo(BATCH);
			expired = dao.search(search, new SystemRequestDetails()).getAllResources();
			for (IBaseResource event : expired) {
				SystemRequestDetails retentionJob = new SystemRequestDetails();
				retentionJob.getUserData().put(AuditEventImmutabilityInterceptor.RETENTION_JOB, Boolean.TRUE);
				dao.delete(event.getIdElement().toUnqualifiedVersionless(), retentionJob);
				deleted++;
			}
		} while (expired.size() == BATCH);
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
