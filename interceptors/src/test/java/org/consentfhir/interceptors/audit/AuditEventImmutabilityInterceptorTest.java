package org.consentfhir.interceptors.audit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** The expunge and retention paths, which the REST tests cannot reach while HAPI's expunge is off. */
class AuditEventImmutabilityInterceptorTest {

	private final AuditEventImmutabilityInterceptor interceptor = new AuditEventImmutabilityInterceptor();

	@Test
	void refusesExpungingAuditEventsAndEverything() {
		SystemRequestDetails admin = new SystemRequestDetails();

		assertThatThrownBy(() -> interceptor.storagePrestorageExpungeResource(new IdType("AuditEvent/1"), admin))
				.isInstanceOf(MethodNotAllowedException.class);
		assertThatThrownBy(() -> interceptor.storagePrestorageExpungeEverything(admin)).isInstanceOf(MethodNotAllowedException.class);
		assertThatCode(() -> interceptor.storagePrestorageExpungeResource(new IdType("Patient/1"), admin)).doesNotThrowAnyException();
	}

	@Test
	void onlyTheRetentionJobDeletesAuditEvents() {
		SystemRequestDetails anyone = new SystemRequestDetails();
		SystemRequestDetails retention = new SystemRequestDetails();
		retention.getUserData().put(AuditEventImmutabilityInterceptor.RETENTION_JOB, true);

		assertThatThrownBy(() -> interceptor.storagePrestorageResourceDeleted(new AuditEvent(), anyone))
				.isInstanceOf(MethodNotAllowedException.class);
		assertThatCode(() -> interceptor.storagePrestorageResourceDeleted(new AuditEvent(), retention)).doesNotThrowAnyException();
		assertThatCode(() -> interceptor.storagePrestorageResourceDeleted(new Patient(), anyone)).doesNotThrowAnyException();
		assertThatThrownBy(() -> interceptor.storagePrestorageResourceUpdated(new AuditEvent(), new AuditEvent()))
				.isInstanceOf(MethodNotAllowedException.class);
	}
}
