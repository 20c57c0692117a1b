package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * HAPI's IHE BALP audit capture (PatientRead, PatientQuery, PatientCreate/Update/Delete and their
 * Basic forms) as one of this server's policy interceptors: every read, search, page and write of
 * the FHIR endpoint yields AuditEvents, handed to an {@link IBalpAuditEventSink} that stores them
 * before the response goes out.
 *
 * <p>Hooks, as BALP does, {@code STORAGE_PRESHOW_RESOURCES} and {@code STORAGE_PRECOMMIT_RESOURCE_*};
 * order {@link InterceptorOrder#AUDIT_CAPTURE}, after consent has removed what the caller may not see.
 * Docs: https://hapifhir.io/hapi-fhir/docs/security/balp_interceptor.html
 */
@Interceptor(order = InterceptorOrder.AUDIT_CAPTURE)
public class AuditCaptureInterceptor extends BalpAuditCaptureInterceptor implements PolicyInterceptor {

	public AuditCaptureInterceptor(IBalpAuditEventSink sink, IBalpAuditContextServices context) {
		super(sink, context);
	}
}
