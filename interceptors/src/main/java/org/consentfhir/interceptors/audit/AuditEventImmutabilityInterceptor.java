package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Keeps AuditEvents out of HAPI's JPA storage, whose paths the {@code /AuditEvent} endpoint does not
 * guard: the audit trail lives in the server's own append-only store, so an AuditEvent created,
 * updated, patched or deleted through a transaction or batch entry, or an expunge, is refused with
 * 405, as is expunging everything (which would erase the record of who saw what).
 *
 * <p>Hooks {@link Pointcut#STORAGE_PRESTORAGE_RESOURCE_CREATED}, {@link Pointcut#STORAGE_PRESTORAGE_RESOURCE_UPDATED}
 * (patch arrives here too), {@link Pointcut#STORAGE_PRESTORAGE_RESOURCE_DELETED},
 * {@link Pointcut#STORAGE_PRESTORAGE_EXPUNGE_RESOURCE} and {@link Pointcut#STORAGE_PRESTORAGE_EXPUNGE_EVERYTHING};
 * registered with the JPA interceptor service, so that every storage path is covered. Order
 * {@link InterceptorOrder#AUDIT_IMMUTABILITY}.
 */
@Interceptor(order = InterceptorOrder.AUDIT_IMMUTABILITY)
public class AuditEventImmutabilityInterceptor implements StorageInterceptor {

	private static final String AUDIT_EVENT = "AuditEvent";

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource) {
		if (isAuditEvent(resource)) {
			throw new MethodNotAllowedException("AuditEvents are recorded by POST /AuditEvent, not inside a batch or transaction");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource previous, IBaseResource updated) {
		if (isAuditEvent(previous) || isAuditEvent(updated)) {
			throw refused("updated");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void storagePrestorageResourceDeleted(IBaseResource resource) {
		if (isAuditEvent(resource)) {
			throw refused("deleted");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_RESOURCE)
	public void storagePrestorageExpungeResource(IIdType id) {
		if (id != null && AUDIT_EVENT.equals(id.getResourceType())) {
			throw refused("expunged");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_EVERYTHING)
	public void storagePrestorageExpungeEverything(RequestDetails requestDetails) {
		throw new MethodNotAllowedException("Expunging everything would erase the audit trail; it is not allowed");
	}

	private static boolean isAuditEvent(IBaseResource resource) {
		return resource != null && AUDIT_EVENT.equals(resource.fhirType());
	}

	private static MethodNotAllowedException refused(String what) {
		return new MethodNotAllowedException("AuditEvents are immutable: an AuditEvent cannot be " + what);
	}
}
