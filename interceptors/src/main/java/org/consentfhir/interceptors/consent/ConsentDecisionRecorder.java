package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * Acts on a request's consent denials and break-glass permits once its consent decisions are made:
 * the audit trail records them, break-glass raises its Flags. Each concern brings its own.
 */
public interface ConsentDecisionRecorder {

	void record(RequestDetails request, ConsentCaller caller, ConsentDecisionLog log);
}
