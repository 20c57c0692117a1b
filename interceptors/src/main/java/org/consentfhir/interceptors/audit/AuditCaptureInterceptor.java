package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpProfileEnum;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.consent.PatientCompartment;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The IHE BALP audit capture of the FHIR endpoint (PatientRead, PatientQuery, PatientCreate/Update/Delete
 * and their Basic forms, as HAPI's {@code BalpAuditCaptureInterceptor} records them; the events are
 * built by {@link BalpAuditEvents}) as one of this server's policy interceptors: every read, search,
 * page, write and operation of the FHIR endpoint yields AuditEvents, handed to an
 * {@link IBalpAuditEventSink} that stores them before the response goes out.
 *
 * <p>Hooks {@code STORAGE_PRESHOW_RESOURCES} for what is shown and {@code STORAGE_PRECOMMIT_RESOURCE_*}
 * for what is written, as BALP does; order {@link InterceptorOrder#AUDIT_CAPTURE}, after consent has
 * removed what the caller may not see. Operations, which BALP leaves out, are recorded too.
 * Docs: https://hapifhir.io/hapi-fhir/docs/security/balp_interceptor.html
 */
@Interceptor(order = InterceptorOrder.AUDIT_CAPTURE)
public class AuditCaptureInterceptor implements PolicyInterceptor {

	private static final String OPERATION_PATIENTS_RECORDED = AuditCaptureInterceptor.class.getName() + ".operationPatients";

	private final IBalpAuditEventSink sink;
	private final AccessAuditEvents events;
	private final PatientCompartment compartment;
	private final BalpAuditEvents balp;

	public AuditCaptureInterceptor(IBalpAuditEventSink sink, IBalpAuditContextServices context, PatientCompartment compartment) {
		this.sink = sink;
		this.events = new AccessAuditEvents(context);
		this.compartment = compartment;
		this.balp = new BalpAuditEvents(context, compartment);
	}

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void storagePreshowResources(IPreResourceShowDetails details, ServletRequestDetails request) {
		if (request == null || request.getRestOperationType() == null) {
			return;
		}
		switch (request.getRestOperationType()) {
			case SEARCH_TYPE, SEARCH_SYSTEM, GET_PAGE -> balp.query(shown(details), request).forEach(sink::recordAuditEvent);
			case READ, VREAD -> shown(details).forEach(resource -> balp.read(resource, request).forEach(sink::recordAuditEvent));
			case EXTENDED_OPERATION_INSTANCE, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_SERVER -> recordOperation(details, request);
			default -> { } // writes are recorded at commit; history and capabilities are no patient's records
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void hookStoragePrecommitResourceCreated(IBaseResource resource, ServletRequestDetails request) {
		recordWrite(resource, request, BalpProfileEnum.BASIC_CREATE, BalpProfileEnum.PATIENT_CREATE);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void hookStoragePrecommitResourceUpdated(IBaseResource oldResource, IBaseResource resource, ServletRequestDetails request) {
		recordWrite(resource, request, BalpProfileEnum.BASIC_UPDATE, BalpProfileEnum.PATIENT_UPDATE);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void hookStoragePrecommitResourceDeleted(IBaseResource resource, ServletRequestDetails request) {
		recordWrite(resource, request, BalpProfileEnum.BASIC_DELETE, BalpProfileEnum.PATIENT_DELETE);
	}

	private void recordWrite(IBaseResource resource, ServletRequestDetails request, BalpProfileEnum basic, BalpProfileEnum patient) {
		if (request != null) { // a write of the server's own, outside any request, is no access to audit
			sink.recordAuditEvent(balp.write(resource, request, basic, patient));
		}
	}

	/**
	 * Records an operation shows ({@code $everything}, {@code $summary}): one AuditEvent per patient
	 * whose records it showed, once per request however many searches and pages it read in.
	 */
	private void recordOperation(IPreResourceShowDetails details, ServletRequestDetails request) {
		Set<String> patients = new TreeSet<>();
		for (IBaseResource resource : shown(details)) {
			patients.addAll(compartment.ownersOfShown(resource, request));
		}
		@SuppressWarnings("unchecked")
		Set<String> recorded = (Set<String>) request.getUserData().computeIfAbsent(OPERATION_PATIENTS_RECORDED, k -> new HashSet<String>());
		for (String patient : patients) {
			if (recorded.add(patient)) {
				sink.recordAuditEvent(events.operationRead(request, request.getOperation(), patient));
			}
		}
	}

	/** What the caller is shown: consent has set what it withholds to null. */
	private static List<IBaseResource> shown(IPreResourceShowDetails details) {
		List<IBaseResource> shown = new ArrayList<>(details.size());
		for (IBaseResource resource : details.getAllResources()) {
			if (resource != null) {
				shown.add(resource);
			}
		}
		return shown;
	}
}
