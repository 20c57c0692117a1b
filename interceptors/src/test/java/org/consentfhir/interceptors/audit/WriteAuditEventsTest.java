package org.consentfhir.interceptors.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.rest.api.InterceptorInvocationTimingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import java.util.ArrayList;
import java.util.List;
import org.consentfhir.interceptors.consent.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The write events this server records are the ones HAPI's BALP capture would record, field for field. */
class WriteAuditEventsTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final IBalpAuditContextServices context = new IBalpAuditContextServices() {
		@Override
		public Reference getAgentClientWho(ca.uhn.fhir.rest.api.server.RequestDetails request) {
			return new Reference().setDisplay("clinic-app");
		}

		@Override
		public Reference getAgentUserWho(ca.uhn.fhir.rest.api.server.RequestDetails request) {
			return new Reference("Practitioner/7");
		}

		@Override
		public String getNetworkAddress(ca.uhn.fhir.rest.api.server.RequestDetails request) {
			return "10.0.0.9";
		}
	};

	@Test
	void createUpdateAndDeleteEventsAreBalpsOwn() {
		Observation reading = new Observation();
		reading.setId("Observation/12");
		reading.setSubject(new Reference("Patient/5")).addPerformer(new Reference("Patient/6"));
		Patient patient = new Patient();
		patient.setId("Patient/5");
		Practitioner doctor = new Practitioner();
		doctor.setId("Practitioner/7");

		for (var resource : List.of(reading, patient, doctor)) {
			assertThat(ours(resource, RestOperationTypeEnum.CREATE)).isEqualTo(balps(resource, RestOperationTypeEnum.CREATE));
			assertThat(ours(resource, RestOperationTypeEnum.UPDATE)).isEqualTo(balps(resource, RestOperationTypeEnum.UPDATE));
			assertThat(ours(resource, RestOperationTypeEnum.DELETE)).isEqualTo(balps(resource, RestOperationTypeEnum.DELETE));
		}
		assertThat(ours(reading, RestOperationTypeEnum.CREATE)).contains("IHE.BasicAudit.PatientCreate", "Patient/5", "Patient/6", "Observation/12");
		assertThat(ours(doctor, RestOperationTypeEnum.CREATE)).contains("IHE.BasicAudit.Create").doesNotContain("Patient/");
	}

	@Test
	void aWriteOutsideAnyRequestRecordsNothing() {
		List<AuditEvent> recorded = new ArrayList<>();
		new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR)).hookStoragePrecommitResourceCreated(new Patient(), null);
		assertThat(recorded).isEmpty();
	}

	/** HAPI calls one hook for the pointcut, the subclass's (it replaces BALP's, which is not called as well). */
	@Test
	void hapiRecordsOneEventPerWrite() {
		List<AuditEvent> recorded = new ArrayList<>();
		InterceptorService hooks = new InterceptorService();
		hooks.registerInterceptor(new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR)));
		Patient patient = new Patient();
		patient.setId("Patient/5");
		ServletRequestDetails request = request(RestOperationTypeEnum.CREATE);
		hooks.callHooks(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, new HookParams()
				.add(IBaseResource.class, patient)
				.add(RequestDetails.class, request)
				.add(ServletRequestDetails.class, request)
				.add(TransactionDetails.class, new TransactionDetails())
				.add(InterceptorInvocationTimingEnum.class, InterceptorInvocationTimingEnum.ACTIVE));
		assertThat(recorded).hasSize(1);
	}

	private String ours(org.hl7.fhir.instance.model.api.IBaseResource resource, RestOperationTypeEnum operation) {
		List<AuditEvent> recorded = new ArrayList<>();
		AuditCaptureInterceptor capture = new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR));
		write(capture, resource, operation);
		return encoded(recorded);
	}

	private String balps(org.hl7.fhir.instance.model.api.IBaseResource resource, RestOperationTypeEnum operation) {
		List<AuditEvent> recorded = new ArrayList<>();
		write(new BalpAuditCaptureInterceptor(recorded::add, context), resource, operation);
		return encoded(recorded);
	}

	private static void write(BalpAuditCaptureInterceptor capture, org.hl7.fhir.instance.model.api.IBaseResource resource, RestOperationTypeEnum operation) {
		ServletRequestDetails request = request(operation);
		switch (operation) {
			case CREATE -> capture.hookStoragePrecommitResourceCreated(resource, request);
			case UPDATE -> capture.hookStoragePrecommitResourceUpdated(resource, resource, request);
			default -> capture.hookStoragePrecommitResourceDeleted(resource, request);
		}
	}

	private static ServletRequestDetails request(RestOperationTypeEnum operation) {
		ServletRequestDetails request = new ServletRequestDetails();
		request.setServer(new RestfulServer(FHIR));
		request.setFhirServerBase("http://fhir.example.org/fhir");
		request.setRequestId("req-1");
		request.setRestOperationType(operation);
		return request;
	}

	private static String encoded(List<AuditEvent> events) {
		assertThat(events).hasSize(1);
		AuditEvent event = events.get(0);
		event.setRecorded(null);
		return FHIR.newJsonParser().encodeResourceToString(event);
	}
}
