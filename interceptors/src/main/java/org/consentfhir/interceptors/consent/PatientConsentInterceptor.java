package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * HAPI's {@link ConsentInterceptor} driven by {@link PatientConsentService}, as one of this
 * server's policy interceptors. HAPI's own order for it ({@code ORDER_CONSENT_INTERCEPTOR}) puts it
 * after authentication and the SMART rules.
 *
 * <p>HAPI's consent pitfalls, handled on purpose: resources are checked when shown, not when a
 * search stores its results, so a stored search holds no caller's view and HAPI may answer the next
 * identical search from it (each caller's page is filtered again); a page may hold fewer than
 * {@code _count} entries (its {@code next} link still continues); {@code Bundle.total} is left out
 * and {@code _total=accurate} and {@code _summary=count} are refused (a count would reveal records
 * the caller may not see). Clients the site trusts skip all of it.
 *
 * <p>Hooks: {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}, {@code STORAGE_PREACCESS_RESOURCES},
 * {@code STORAGE_PRESHOW_RESOURCES}, {@code SERVER_OUTGOING_RESPONSE}, the cached-search pointcuts and
 * the completion pointcuts. Docs: https://hapifhir.io/hapi-fhir/docs/security/consent_interceptor.html
 */
public class PatientConsentInterceptor extends ConsentInterceptor implements PolicyInterceptor {

	public PatientConsentInterceptor(PatientConsentService service) {
		super(service);
	}
}
