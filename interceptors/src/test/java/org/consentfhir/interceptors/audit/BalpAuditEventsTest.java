package org.consentfhir.interceptors.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.rest.api.InterceptorInvocationTimingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.SimplePreResourceShowDetails;
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

/** The events this server records for reads, searches, pages and writes are the ones HAPI's BALP capture would record, field for field. */
class BalpAuditEventsTest {

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
	void readSearchAndPageEventsAreBalpsOwn() {
		Observation reading = new Observation();
		reading.setId("Observation/12");
		reading.setSubject(new Reference("Patient/5")).addPerformer(new Reference("Patient/6"));
		Patient patient = new Patient();
		patient.setId("Patient/5");
		Practitioner doctor = new Practitioner();
		doctor.setId("Practitioner/7");

		for (var resource : List.of(reading, patient, doctor)) {
			assertThat(shownBy(ours(), RestOperationTypeEnum.READ, resource)).isEqualTo(shownBy(balps(), RestOperationTypeEnum.READ, resource));
			assertThat(shownBy(ours(), RestOperationTypeEnum.VREAD, resource)).isEqualTo(shownBy(balps(), RestOperationTypeEnum.VREAD, resource));
		}
		for (var operation : List.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GET_PAGE)) {
			assertThat(shownBy(ours(), operation, reading, patient, doctor)).isEqualTo(shownBy(balps(), operation, reading, patient, doctor));
			assertThat(shownBy(ours(), operation, doctor)).isEqualTo(shownBy(balps(), operation, doctor));
			assertThat(shownBy(ours(), operation)).isEqualTo(shownBy(balps(), operation));
		}
		assertThat(shownBy(ours(), RestOperationTypeEnum.READ, reading)).hasSize(2)
				.allSatisfy(event -> assertThat(event).contains("IHE.BasicAudit.PatientRead", "Observation/12"));
		assertThat(shownBy(ours(), RestOperationTypeEnum.GET_PAGE, reading, patient)).hasSize(2)
				.allSatisfy(event -> assertThat(event).contains("IHE.BasicAudit.PatientQuery", "\"code\":\"search-type\"", "_count"));
		assertThat(shownBy(ours(), RestOperationTypeEnum.SEARCH_TYPE, doctor)).singleElement()
				.satisfies(event -> assertThat(event).contains("IHE.BasicAudit.Query").doesNotContain("Patient/"));
	}

	/** What consent withholds (set to null before the capture sees it) is not recorded as shown. */
	@Test
	void aWithheldResourceIsNotRecordedAsShown() {
		Observation reading = new Observation();
		reading.setId("Observation/12");
		reading.setSubject(new Reference("Patient/5"));
		SimplePreResourceShowDetails details = new SimplePreResourceShowDetails(List.of(reading));
		details.setResource(0, null);
		List<AuditEvent> recorded = new ArrayList<>();
		new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR))
				.storagePreshowResources(details, request(RestOperationTypeEnum.READ));
		assertThat(recorded).isEmpty();
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

	private Object ours() {
		return new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR));
	}

	private Object balps() {
		return new BalpAuditCaptureInterceptor(recorded::add, context);
	}

	private final List<AuditEvent> recorded = new ArrayList<>();

	/** The events the capture records for these resources shown, through HAPI's hook dispatch as in the server. */
	private List<String> shownBy(Object capture, RestOperationTypeEnum operation, IBaseResource... shown) {
		recorded.clear();
		InterceptorService hooks = new InterceptorService();
		hooks.registerInterceptor(capture);
		ServletRequestDetails request = request(operation);
		request.setRequestType(RequestTypeEnum.GET);
		request.setRequestPath(operation == RestOperationTypeEnum.GET_PAGE ? "" : "Observation");
		request.setCompleteUrl("http://fhir.example.org/fhir/Observation?subject=Patient%2F5&_count=2");
		java.util.Map<String, String[]> parameters = new java.util.LinkedHashMap<>();
		parameters.put("subject", new String[] {"Patient/5"});
		parameters.put("_count", new String[] {"2"});
		request.setParameters(parameters);
		hooks.callHooks(Pointcut.STORAGE_PRESHOW_RESOURCES, new HookParams()
				.add(IPreResourceShowDetails.class, new SimplePreResourceShowDetails(List.of(shown)))
				.add(RequestDetails.class, request)
				.add(ServletRequestDetails.class, request));
		List<String> events = new ArrayList<>();
		for (AuditEvent event : recorded) {
			event.setRecorded(null);
			events.add(FHIR.newJsonParser().encodeResourceToString(event));
		}
		return events;
	}

	private String ours(IBaseResource resource, RestOperationTypeEnum operation) {
		List<AuditEvent> recorded = new ArrayList<>();
		AuditCaptureInterceptor capture = new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR));
		ServletRequestDetails request = request(operation);
		switch (operation) {
			case CREATE -> capture.hookStoragePrecommitResourceCreated(resource, request);
			case UPDATE -> capture.hookStoragePrecommitResourceUpdated(resource, resource, request);
			default -> capture.hookStoragePrecommitResourceDeleted(resource, request);
		}
		return encoded(recorded);
	}

	private String balps(IBaseResource resource, RestOperationTypeEnum operation) {
		List<AuditEvent> recorded = new ArrayList<>();
		BalpAuditCaptureInterceptor capture = new BalpAuditCaptureInterceptor(recorded::add, context);
		ServletRequestDetails request = request(operation);
		switch (operation) {
			case CREATE -> capture.hookStoragePrecommitResourceCreated(resource, request);
			case UPDATE -> capture.hookStoragePrecommitResourceUpdated(resource, resource, request);
			default -> capture.hookStoragePrecommitResourceDeleted(resource, request);
		}
		return encoded(recorded);
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
