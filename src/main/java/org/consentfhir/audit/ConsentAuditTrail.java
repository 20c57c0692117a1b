package org.consentfhir.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.util.Map;
import org.consentfhir.breakglass.BreakGlassFlags;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.consent.ConsentAuditRecorder;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentDecision;
import org.consentfhir.interceptors.consent.ConsentDecisionLog;

/**
 * Stores a request's consent denials and break-glass permits as Security Alert AuditEvents (BALP
 * AuthZ-Consent), durably like every other AuditEvent. A per-request break-the-glass also raises
 * the break-glass Flag on each patient it opened, as {@code $break-glass} does.
 */
public class ConsentAuditTrail implements ConsentAuditRecorder {

	private final IBalpAuditEventSink sink;
	private final AccessAuditEvents events;
	private final BreakGlassFlags flags;

	public ConsentAuditTrail(IBalpAuditEventSink sink, AccessAuditEvents events, BreakGlassFlags flags) {
		this.sink = sink;
		this.events = events;
		this.flags = flags;
	}

	@Override
	public void record(RequestDetails request, ConsentCaller caller, ConsentDecisionLog log) {
		for (Map.Entry<String, ConsentDecision> denial : log.denials().entrySet()) {
			sink.recordAuditEvent(events.consentDecision(request, caller, denial.getKey(), denial.getValue()));
		}
		for (Map.Entry<String, ConsentDecision> permit : log.breakGlassPermits().entrySet()) {
			sink.recordAuditEvent(events.consentDecision(request, caller, permit.getKey(), permit.getValue()));
			if (permit.getValue().decidingConsent() == null && caller != null) {
				flags.raise(permit.getKey(), caller.description(), caller.breakGlassReason(), null, null);
			}
		}
	}
}
