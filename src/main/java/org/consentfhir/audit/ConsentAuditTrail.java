package org.consentfhir.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.util.Map;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentDecision;
import org.consentfhir.interceptors.consent.ConsentDecisionLog;
import org.consentfhir.interceptors.consent.ConsentDecisionRecorder;

/**
 * Stores a request's consent denials and break-glass permits as Security Alert AuditEvents (BALP
 * AuthZ-Consent), durably like every other AuditEvent.
 */
public class ConsentAuditTrail implements ConsentDecisionRecorder {

	private final IBalpAuditEventSink sink;
	private final AccessAuditEvents events;

	public ConsentAuditTrail(IBalpAuditEventSink sink, AccessAuditEvents events) {
		this.sink = sink;
		this.events = events;
	}

	@Override
	public void record(RequestDetails request, ConsentCaller caller, ConsentDecisionLog log) {
		for (Map.Entry<String, ConsentDecision> denial : log.denials().entrySet()) {
			sink.recordAuditEvent(events.consentDecision(request, caller, denial.getKey(), denial.getValue()));
		}
		for (Map.Entry<String, ConsentDecision> permit : log.breakGlassPermits().entrySet()) {
			sink.recordAuditEvent(events.consentDecision(request, caller, permit.getKey(), permit.getValue()));
		}
	}
}
