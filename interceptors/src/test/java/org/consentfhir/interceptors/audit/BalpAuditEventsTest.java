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

	/** A reading in two patients' compartments, a patient, and a record of no patient. */
	private final Observation reading = new Observation();
	private final Patient patient = new Patient();
	private final Practitioner doctor = new Practitioner();
	private final List<AuditEvent> recorded = new ArrayList<>();

	BalpAuditEventsTest() {
		reading.setId("Observation/12");
		reading.setSubject(new Reference("Patient/5")).addPerformer(new Reference("Patient/6"));
		patient.setId("Patient/5");
		doctor.setId("Practitioner/7");
	}

	@Test
	void createUpdateAndDeleteEventsAreBalpsOwn() {
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
		SimplePreResourceShowDetails details = new SimplePreResourceShowDetails(List.of(reading));
		details.setResource(0, null);
		new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR))
				.storagePreshowResources(details, request(RestOperationTypeEnum.READ));
		assertThat(recorded).isEmpty();
	}

	@Test
	void aWriteOutsideAnyRequestRecordsNothing() {
		new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR)).hookStoragePrecommitResourceCreated(new Patient(), null);
		assertThat(recorded).isEmpty();
	}

	/** HAPI dispatches each write to the capture once: one event per written resource. */
	@Test
	void hapiRecordsOneEventPerWrite() {
		Patient written = new Patient();
		written.setId("Patient/5");
		assertThat(writtenBy(ours(), RestOperationTypeEnum.CREATE, written)).hasSize(1);
	}

	private Object ours() {
		return new AuditCaptureInterceptor(recorded::add, context, new PatientCompartment(FHIR));
	}

	private Object balps() {
		return new BalpAuditCaptureInterceptor(recorded::add, context);
	}

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
		return encoded();
	}

	/** The events the capture records for a write of this resource, through HAPI's hook dispatch as in the server. */
	private List<String> writtenBy(Object capture, RestOperationTypeEnum operation, IBaseResource resource) {
		recorded.clear();
		InterceptorService hooks = new InterceptorService();
		hooks.registerInterceptor(capture);
		ServletRequestDetails request = request(operation);
		HookParams params = new HookParams().add(IBaseResource.class, resource);
		if (operation == RestOperationTypeEnum.UPDATE) {
			params.add(IBaseResource.class, resource);
		} else if (operation == RestOperationTypeEnum.DELETE) {
			params.add(org.hl7.fhir.instance.model.api.IIdType.class, resource.getIdElement());
		}
		params.add(RequestDetails.class, request)
				.add(ServletRequestDetails.class, request)
				.add(TransactionDetails.class, new TransactionDetails())
				.add(InterceptorInvocationTimingEnum.class, InterceptorInvocationTimingEnum.ACTIVE);
		hooks.callHooks(switch (operation) {
			case CREATE -> Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED;
			case UPDATE -> Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED;
			default -> Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED;
		}, params);
		return encoded();
	}

	/** The one event of a write, as this server's capture records it. */
	private String ours(IBaseResource resource, RestOperationTypeEnum operation) {
		return single(writtenBy(ours(), operation, resource));
	}

	/** The one event of a write, as HAPI's BALP capture records it. */
	private String balps(IBaseResource resource, RestOperationTypeEnum operation) {
		return single(writtenBy(balps(), operation, resource));
	}

	private static ServletRequestDetails request(RestOperationTypeEnum operation) {
		ServletRequestDetails request = new ServletRequestDetails();
		request.setServer(new RestfulServer(FHIR));
		request.setFhirServerBase("http://fhir.example.org/fhir");
		request.setRequestId("req-1");
		request.setRestOperationType(operation);
		return request;
	}

	/** The recorded events as JSON, without the time they were recorded. */
	private List<String> encoded() {
		List<String> events = new ArrayList<>();
		for (AuditEvent event : recorded) {
			event.setRecorded(null);
			events.add(FHIR.newJsonParser().encodeResourceToString(event));
		}
		return events;
	}

	private static String single(List<String> events) {
		assertThat(events).hasSize(1);
		return events.get(0);
	}
}
