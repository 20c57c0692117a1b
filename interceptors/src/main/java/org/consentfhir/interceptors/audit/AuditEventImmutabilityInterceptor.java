package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Keeps the audit trail immutable: an AuditEvent, once stored, is never updated, patched, deleted
 * or expunged, by anyone, admin included, through any path (REST, transaction entries, internal
 * calls); the answer is 405. Expunging everything is refused too. The one exception is the
 * retention job, whose requests carry {@link #RETENTION_JOB} in their user data.
 *
 * <p>Hooks {@link Pointcut#STORAGE_PRESTORAGE_RESOURCE_UPDATED} (patch arrives here too),
 * {@link Pointcut#STORAGE_PRESTORAGE_RESOURCE_DELETED}, {@link Pointcut#STORAGE_PRESTORAGE_EXPUNGE_RESOURCE}
 * and {@link Pointcut#STORAGE_PRESTORAGE_EXPUNGE_EVERYTHING}; registered with the JPA interceptor
 * service so that every write path is covered. Order {@link InterceptorOrder#AUDIT_IMMUTABILITY}.
 */
@Interceptor(order = InterceptorOrder.AUDIT_IMMUTABILITY)
public class AuditEventImmutabilityInterceptor {

	/** User-data key that marks a request of the audit retention job. */
	public static final String RETENTION_JOB = AuditEventImmutabilityInterceptor.class.getName() + ".retention";

	private static final String AUDIT_EVENT = "AuditEvent";

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource previous, IBaseResource updated) {
		if (isAuditEvent(previous) || isAuditEvent(updated)) {
			throw refused("updated");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void storagePrestorageResourceDeleted(IBaseResource resource, RequestDetails requestDetails) {
		if (isAuditEvent(resource) && !isRetentionJob(requestDetails)) {
			throw refused("deleted");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_RESOURCE)
	public void storagePrestorageExpungeResource(IIdType id, RequestDetails requestDetails) {
		if (id != null && AUDIT_EVENT.equals(id.getResourceType()) && !isRetentionJob(requestDetails)) {
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

	private static boolean isRetentionJob(RequestDetails requestDetails) {
		return requestDetails != null && Boolean.TRUE.equals(requestDetails.getUserData().get(RETENTION_JOB));
	}

	private static MethodNotAllowedException refused(String what) {
		return new MethodNotAllowedException("AuditEvents are immutable: an AuditEvent cannot be " + what);
	}
}
