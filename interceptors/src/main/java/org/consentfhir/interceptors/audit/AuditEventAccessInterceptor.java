package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.EnumSet;
import java.util.Set;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * Who may read and write the audit trail, beyond what SMART scopes say:
 * <ul>
 *   <li>reading or searching AuditEvents, and any patient's {@code $access-log}, is for the auditor
 *       role (the privacy officer) and for clients the site trusts with every record; a patient
 *       reads their own trail through their own {@code $access-log}; clinicians get none (an
 *       AuditEvent names records, people and the reasons of denials);</li>
 *   <li>creating an AuditEvent needs the dedicated scope {@value #AUDIT_SOURCE_SCOPE} (an audit
 *       source: a device gateway, another system's audit relay); the server then stamps the real
 *       sender as the event's source. No one else can file events in someone else's name.</li>
 * </ul>
 *
 * <p>Hooks {@code SERVER_INCOMING_REQUEST_PRE_HANDLED} (also called for each entry of a batch or
 * transaction); order {@link InterceptorOrder#AUDIT_EVENT_ACCESS}, after the scope rules.
 */
@Interceptor(order = InterceptorOrder.AUDIT_EVENT_ACCESS)
public class AuditEventAccessInterceptor implements PolicyInterceptor {

	/** The scope of a client that reports AuditEvents of its own. */
	public static final String AUDIT_SOURCE_SCOPE = "audit.source";

	private static final Set<RestOperationTypeEnum> READS = EnumSet.of(
			RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD, RestOperationTypeEnum.SEARCH_TYPE,
			RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE);

	private final ConsentCallers callers;

	public AuditEventAccessInterceptor(ConsentCallers callers) {
		this.callers = callers;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void serverIncomingRequestPreHandled(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		boolean auditEvents = "AuditEvent".equals(request.getResourceName());
		boolean accessLog = "$access-log".equals(request.getOperation());
		if (operation == null || !auditEvents && !accessLog) {
			return;
		}
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null) {
			return; // nothing without a token gets past the scope rules
		}
		if (auditEvents && operation == RestOperationTypeEnum.CREATE) {
			if (!token.hasScope(AUDIT_SOURCE_SCOPE)) {
				throw new ForbiddenOperationException("AuditEvents are written by this server; a client reports its own only with the "
						+ AUDIT_SOURCE_SCOPE + " scope");
			}
			return;
		}
		if (auditEvents && !READS.contains(operation)) {
			return; // updates, patches and deletes are refused by the audit store itself
		}
		ConsentCaller caller = callers.of(request);
		if (caller.trusted() || caller.auditor()) {
			return;
		}
		if (accessLog && request.getId() != null && caller.isPatient(request.getId().getIdPart())) {
			return;
		}
		throw new ForbiddenOperationException(accessLog
				? "A patient's $access-log is for the patient and the auditor role"
				: "AuditEvents are read by the auditor role; a patient reads their own trail at Patient/{id}/$access-log");
	}
}
