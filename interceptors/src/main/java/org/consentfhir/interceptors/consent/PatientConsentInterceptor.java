package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * HAPI's {@link ConsentInterceptor} driven by {@link PatientConsentService}, as one of this
 * server's policy interceptors. HAPI's own order for it ({@code ORDER_CONSENT_INTERCEPTOR}) puts it
 * after authentication and the SMART rules.
 *
 * <p>HAPI's consent pitfalls, handled on purpose: searches and history are filtered before their
 * results are stored (HAPI's search task asks {@code canSeeResource} of each match), so pages are
 * full and their number and {@code next} links say nothing of hidden records; such a stored search
 * serves only its caller. {@code Bundle.total} is left out and {@code _total=accurate} and
 * {@code _summary=count} are refused (a count would reveal records the caller may not see).
 * {@code $meta}, which HAPI's consent interceptor skips, is checked by
 * {@link OperationTargetConsentInterceptor}; conditional requests by
 * {@link ConditionalMatchNarrowingInterceptor}. Clients the site trusts skip all of it.
 *
 * <p>Hooks: {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}, {@code STORAGE_PREACCESS_RESOURCES},
 * {@code STORAGE_PRESHOW_RESOURCES}, {@code SERVER_OUTGOING_RESPONSE}, the cached-search pointcuts and
 * the completion pointcuts. Docs: https://hapifhir.io/hapi-fhir/docs/security/consent_interceptor.html
 */
public class PatientConsentInterceptor extends ConsentInterceptor implements PolicyInterceptor {

	private final PatientConsentService service;

	public PatientConsentInterceptor(PatientConsentService service) {
		super(service);
		this.service = service;
	}

	/** Whether the matches of this request's search are filtered for its caller before HAPI stores them. */
	public boolean filtersForCaller(RequestDetails request) {
		return service.filtersForCaller(request);
	}
}
