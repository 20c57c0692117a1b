package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/** Puts a request's consent denials and break-glass permits on the audit trail. */
public interface ConsentAuditRecorder {

	void record(RequestDetails request, ConsentCaller caller, ConsentDecisionLog log);
}
