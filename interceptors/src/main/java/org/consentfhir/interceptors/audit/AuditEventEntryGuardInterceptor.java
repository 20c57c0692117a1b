package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;

/**
 * A transaction or batch that would write an AuditEvent is refused whole with 405 before anything
 * runs: HAPI executes such entries against its JPA storage, where AuditEvents do not live, so a
 * {@code DELETE AuditEvent/1} entry would "succeed" without touching the audit trail. AuditEvents
 * are created by {@code POST /AuditEvent} and never changed. Hooks {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}.
 */
@Interceptor
public class AuditEventEntryGuardInterceptor {

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void serverIncomingRequestPreHandled(RequestDetails request) {
		if (!(request.getResource() instanceof Bundle bundle)
				|| bundle.getType() != Bundle.BundleType.TRANSACTION && bundle.getType() != Bundle.BundleType.BATCH) {
			return;
		}
		for (BundleEntryComponent entry : bundle.getEntry()) {
			Bundle.HTTPVerb method = entry.getRequest().getMethod();
			String url = entry.getRequest().getUrl();
			if (method != null && method != Bundle.HTTPVerb.GET && method != Bundle.HTTPVerb.HEAD && url != null
					&& (url.equals("AuditEvent") || url.startsWith("AuditEvent/") || url.startsWith("AuditEvent?"))) {
				throw new MethodNotAllowedException(method == Bundle.HTTPVerb.POST
						? "AuditEvents are recorded by POST /AuditEvent, not inside a batch or transaction"
						: "AuditEvents are immutable: an AuditEvent cannot be changed or deleted, in a transaction or otherwise");
			}
		}
	}
}
