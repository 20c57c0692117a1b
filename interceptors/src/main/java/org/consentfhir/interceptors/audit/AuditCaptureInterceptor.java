package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import ca.uhn.fhir.storage.interceptor.balp.BalpProfileEnum;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * HAPI's IHE BALP audit capture (PatientRead, PatientQuery, PatientCreate/Update/Delete and their
 * Basic forms) as one of this server's policy interceptors: every read, search, page and write of
 * the FHIR endpoint yields AuditEvents, handed to an {@link IBalpAuditEventSink} that stores them
 * before the response goes out.
 *
 * <p>Hooks, as BALP does, {@code STORAGE_PRESHOW_RESOURCES} and {@code STORAGE_PRECOMMIT_RESOURCE_*};
 * for operations, which BALP leaves out, {@code STORAGE_PRESHOW_RESOURCES} once more. The write events
 * are built by {@link WriteAuditEvents} to BALP's shape (these hooks replace BALP's own, which HAPI
 * then does not call), for speed;
 * order {@link InterceptorOrder#AUDIT_CAPTURE}, after consent has removed what the caller may not see.
 * Docs: https://hapifhir.io/hapi-fhir/docs/security/balp_interceptor.html
 */
@Interceptor(order = InterceptorOrder.AUDIT_CAPTURE)
public class AuditCaptureInterceptor extends BalpAuditCaptureInterceptor implements PolicyInterceptor {

	private static final java.util.Set<ca.uhn.fhir.rest.api.RestOperationTypeEnum> OPERATIONS = java.util.EnumSet.of(
			ca.uhn.fhir.rest.api.RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
			ca.uhn.fhir.rest.api.RestOperationTypeEnum.EXTENDED_OPERATION_TYPE,
			ca.uhn.fhir.rest.api.RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);

	private static final String OPERATION_PATIENTS_RECORDED = AuditCaptureInterceptor.class.getName() + ".operationPatients";

	private final IBalpAuditEventSink sink;
	private final AccessAuditEvents events;
	private final org.consentfhir.interceptors.consent.PatientCompartment compartment;
	private final WriteAuditEvents writes;

	public AuditCaptureInterceptor(IBalpAuditEventSink sink, IBalpAuditContextServices context,
			org.consentfhir.interceptors.consent.PatientCompartment compartment) {
		super(sink, context);
		this.sink = sink;
		this.events = new AccessAuditEvents(context);
		this.compartment = compartment;
		this.writes = new WriteAuditEvents(context);
	}

	@Override
	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void hookStoragePrecommitResourceCreated(IBaseResource resource, ServletRequestDetails request) {
		recordWrite(resource, request, BalpProfileEnum.BASIC_CREATE, BalpProfileEnum.PATIENT_CREATE);
	}

	@Override
	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void hookStoragePrecommitResourceUpdated(IBaseResource oldResource, IBaseResource resource, ServletRequestDetails request) {
		recordWrite(resource, request, BalpProfileEnum.BASIC_UPDATE, BalpProfileEnum.PATIENT_UPDATE);
	}

	@Override
	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void hookStoragePrecommitResourceDeleted(IBaseResource resource, ServletRequestDetails request) {
		recordWrite(resource, request, BalpProfileEnum.BASIC_DELETE, BalpProfileEnum.PATIENT_DELETE);
	}

	private void recordWrite(IBaseResource resource, ServletRequestDetails request, BalpProfileEnum basic, BalpProfileEnum patient) {
		if (request != null) { // a write of the server's own, outside any request, is no access to audit
			sink.recordAuditEvent(writes.of(resource, request, basic, patient));
		}
	}

	/**
	 * BALP records reads and searches only; records an operation shows ({@code $everything},
	 * {@code $summary}) are recorded here, one AuditEvent per patient whose records it showed.
	 */
	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void storagePreshowResourcesOfOperation(IPreResourceShowDetails details, ServletRequestDetails request) {
		if (request == null || !OPERATIONS.contains(request.getRestOperationType())) {
			return;
		}
		java.util.Set<String> patients = new java.util.TreeSet<>();
		for (var resource : details.getAllResources()) {
			if (resource != null) {
				patients.addAll(compartment.ownersOf(resource));
			}
		}
		// an operation may read in many searches and pages (an export does); one event per patient per request
		@SuppressWarnings("unchecked")
		java.util.Set<String> recorded = (java.util.Set<String>) request.getUserData()
				.computeIfAbsent(OPERATION_PATIENTS_RECORDED, k -> new java.util.HashSet<String>());
		for (String patient : patients) {
			if (recorded.add(patient)) {
				sink.recordAuditEvent(events.operationRead(request, request.getOperation(), patient));
			}
		}
	}
}
