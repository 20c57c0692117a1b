package org.consentfhir.breakglass;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Map;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentDecision;
import org.consentfhir.interceptors.consent.ConsentDecisionLog;
import org.consentfhir.interceptors.consent.ConsentDecisionRecorder;

/**
 * A per-request break-the-glass ({@code X-Purpose-Of-Use: BTG} with a reason, no override Consent)
 * raises the break-glass Flag on each patient it opened, as {@code $break-glass} does.
 */
class PerRequestBreakGlassFlags implements ConsentDecisionRecorder {

	private final BreakGlassFlags flags;

	PerRequestBreakGlassFlags(BreakGlassFlags flags) {
		this.flags = flags;
	}

	@Override
	public void record(RequestDetails request, ConsentCaller caller, ConsentDecisionLog log) {
		if (caller == null) {
			return;
		}
		for (Map.Entry<String, ConsentDecision> permit : log.breakGlassPermits().entrySet()) {
			if (permit.getValue().decidingConsent() == null) {
				flags.raise(permit.getKey(), caller.description(), caller.breakGlassReason(), null, null);
			}
		}
	}
}
