package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * A transaction or batch that would write an AuditEvent is refused whole with 405 before anything
 * runs: HAPI executes such entries against its JPA storage, where AuditEvents do not live, so a
 * {@code DELETE AuditEvent/1} entry would "succeed" without touching the audit trail. AuditEvents
 * are created by {@code POST /AuditEvent} and never changed. An entry is judged by its resource's
 * type and by its URL's, however the URL is written ({@code AuditEvent/1}, {@code /AuditEvent/1}, an
 * absolute URL). Hooks {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}.
 */
@Interceptor
public class AuditEventEntryGuardInterceptor implements EndpointInterceptor {

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void serverIncomingRequestPreHandled(RequestDetails request) {
		if (!(request.getResource() instanceof Bundle bundle)
				|| bundle.getType() != Bundle.BundleType.TRANSACTION && bundle.getType() != Bundle.BundleType.BATCH) {
			return;
		}
		for (BundleEntryComponent entry : bundle.getEntry()) {
			Bundle.HTTPVerb method = entry.getRequest().getMethod();
			if (method != null && method != Bundle.HTTPVerb.GET && method != Bundle.HTTPVerb.HEAD && writesAnAuditEvent(entry)) {
				throw new MethodNotAllowedException(method == Bundle.HTTPVerb.POST
						? "AuditEvents are recorded by POST /AuditEvent, not inside a batch or transaction"
						: "AuditEvents are immutable: an AuditEvent cannot be changed or deleted, in a transaction or otherwise");
			}
		}
	}

	/** By the entry's resource (HAPI stores a POST or PUT by its type) or, for a DELETE or PATCH, its URL's type. */
	private static boolean writesAnAuditEvent(BundleEntryComponent entry) {
		if (entry.getResource() != null && "AuditEvent".equals(entry.getResource().fhirType())) {
			return true;
		}
		String url = entry.getRequest().getUrl();
		if (url == null) {
			return false;
		}
		String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
		String[] segments = path.split("/");
		// Type, Type/id, /Type/id, or an absolute URL ending in Type/id or Type
		for (int i = segments.length - 1; i >= Math.max(0, segments.length - 2); i--) {
			if ("AuditEvent".equals(segments[i])) {
				return true;
			}
		}
		return false;
	}
}
