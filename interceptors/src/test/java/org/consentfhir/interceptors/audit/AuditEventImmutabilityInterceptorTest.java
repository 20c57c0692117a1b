package org.consentfhir.interceptors.audit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** The storage paths the REST tests cannot all reach (HAPI's expunge is off on this server). */
class AuditEventImmutabilityInterceptorTest {

	private final AuditEventImmutabilityInterceptor interceptor = new AuditEventImmutabilityInterceptor();

	@Test
	void refusesExpungingAuditEventsAndEverything() {
		SystemRequestDetails admin = new SystemRequestDetails();

		assertThatThrownBy(() -> interceptor.storagePrestorageExpungeResource(new IdType("AuditEvent/1")))
				.isInstanceOf(MethodNotAllowedException.class);
		assertThatThrownBy(() -> interceptor.storagePrestorageExpungeEverything(admin)).isInstanceOf(MethodNotAllowedException.class);
		assertThatCode(() -> interceptor.storagePrestorageExpungeResource(new IdType("Patient/1"))).doesNotThrowAnyException();
	}

	@Test
	void refusesEveryAuditEventWriteThroughHapisStorageAndNothingElse() {
		assertThatThrownBy(() -> interceptor.storagePrestorageResourceCreated(new AuditEvent())).isInstanceOf(MethodNotAllowedException.class);
		assertThatThrownBy(() -> interceptor.storagePrestorageResourceDeleted(new AuditEvent())).isInstanceOf(MethodNotAllowedException.class);
		assertThatThrownBy(() -> interceptor.storagePrestorageResourceUpdated(new AuditEvent(), new AuditEvent()))
				.isInstanceOf(MethodNotAllowedException.class);
		assertThatCode(() -> interceptor.storagePrestorageResourceCreated(new Patient())).doesNotThrowAnyException();
		assertThatCode(() -> interceptor.storagePrestorageResourceDeleted(new Patient())).doesNotThrowAnyException();
	}
}
