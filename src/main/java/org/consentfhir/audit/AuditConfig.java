package org.consentfhir.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import javax.sql.DataSource;
import org.consentfhir.interceptors.audit.AuditCaptureInterceptor;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.audit.AuditEventAccessInterceptor;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.consentfhir.interceptors.audit.TokenAuditContext;
import org.consentfhir.interceptors.audit.AuditEventEntryGuardInterceptor;
import org.consentfhir.interceptors.audit.AuditEventImmutabilityInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** AuditEvents for every access: BALP capture on the FHIR endpoint, stored durably before the response. */
@Configuration
public class AuditConfig {

	@Bean
	AuditEventStore auditEventStore(DataSource dataSource, FhirContext fhir) {
		return new AuditEventStore(dataSource, fhir);
	}

	/**
	 * The group-commit writer stores with plain JDBC on its own thread, never inside a JPA
	 * transaction, so its transactions are the DataSource's own: HAPI's JPA transaction manager
	 * would open and close a Hibernate session around every batch for nothing.
	 */
	@Bean
	DurableAuditSink durableAuditSink(AuditEventStore store, DataSource dataSource) {
		return new DurableAuditSink(store, new DataSourceTransactionManager(dataSource), Duration.ofSeconds(30));
	}

	@Bean
	AuditEventResourceProvider auditEventResourceProvider(AuditEventStore store, DurableAuditSink sink) {
		return new AuditEventResourceProvider(store, sink);
	}

	@Bean
	AccessLogOperation accessLogOperation(DaoRegistry daos, AuditEventStore store) {
		return new AccessLogOperation(daos, store);
	}

	@Bean(destroyMethod = "close")
	AuditRetentionJob auditRetentionJob(AuditEventStore store, AuditProperties audit) {
		AuditRetentionJob job = new AuditRetentionJob(store, audit.retention(), java.time.Clock.systemUTC());
		job.schedule(audit.retentionRunEvery());
		return job;
	}

	/** AuditEvents stay out of HAPI's JPA storage, whatever path a write takes. */
	@Bean
	AuditEventImmutabilityInterceptor auditEventImmutabilityInterceptor() {
		return new AuditEventImmutabilityInterceptor();
	}

	/** A transaction or batch that would write an AuditEvent is refused before anything runs. */
	@Bean
	AuditEventEntryGuardInterceptor auditEventEntryGuardInterceptor() {
		return new AuditEventEntryGuardInterceptor();
	}

	@Bean
	TokenAuditContext tokenAuditContext() {
		return new TokenAuditContext();
	}

	@Bean
	AuditCaptureInterceptor auditCaptureInterceptor(DurableAuditSink sink, TokenAuditContext context, ca.uhn.fhir.context.FhirContext fhir) {
		return new AuditCaptureInterceptor(sink, context, new org.consentfhir.interceptors.consent.PatientCompartment(fhir));
	}

	@Bean
	AuditEventAccessInterceptor auditEventAccessInterceptor(
			ConsentCallers callers) {
		return new AuditEventAccessInterceptor(callers);
	}

	@Bean
	AccessAuditEvents accessAuditEvents(TokenAuditContext context) {
		return new AccessAuditEvents(context);
	}

	@Bean
	ConsentAuditTrail consentAuditTrail(DurableAuditSink sink, AccessAuditEvents events) {
		return new ConsentAuditTrail(sink, events);
	}
}
