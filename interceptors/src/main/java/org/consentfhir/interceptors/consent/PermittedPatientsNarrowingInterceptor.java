package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Set;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * A Patient search by a caller whom consent limits is narrowed, in the query itself, to the patients
 * whose Consents may let that caller in ({@link ConsentSource#patientsWhoMayAdmit}): under the
 * opt-in policy no one else can be shown, so the database never hands over the others and a search
 * costs what the caller may see rather than what the site holds. The per-record consent checks
 * still decide each match (the narrowing is a superset and never the security check), so pages
 * stay full and paging ends at the last permitted match as before. Not narrowed: the opt-out
 * policy (everyone not denied may be shown), break-glass requests, a patient's own searches (their
 * scopes keep them to their own record), and callers with more Consents naming them than the
 * source gathers.
 *
 * <p>Hooks {@code STORAGE_PRESEARCH_REGISTERED}, before HAPI runs the search; order
 * {@link InterceptorOrder#PERMITTED_PATIENTS_NARROWING}.
 */
@Interceptor(order = InterceptorOrder.PERMITTED_PATIENTS_NARROWING)
public class PermittedPatientsNarrowingInterceptor implements PolicyInterceptor {

	/** An id no patient has: what a narrowing to no patients at all searches for. */
	static final String NO_PATIENT = "no-patient-admits-this-caller";

	private final ConsentCallers callers;
	private final ConsentGate gate;
	private final ConsentSource source;
	private final DefaultConsentPolicy policy;

	public PermittedPatientsNarrowingInterceptor(
			ConsentCallers callers, ConsentGate gate, ConsentSource source, DefaultConsentPolicy policy) {
		this.callers = callers;
		this.gate = gate;
		this.source = source;
		this.policy = policy;
	}

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void storagePresearchRegistered(RequestDetails request, SearchParameterMap search) {
		if (policy != DefaultConsentPolicy.OPT_IN || request == null
				|| request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE || !"Patient".equals(request.getResourceName())) {
			return;
		}
		ConsentCaller caller = callers.of(request);
		if (caller == null || caller.selfPatient() != null || !gate.mayHide(caller, "Patient")) {
			return;
		}
		Set<String> admitting = source.patientsWhoMayAdmit(caller.actors());
		if (admitting == null) {
			return;
		}
		TokenOrListParam ids = new TokenOrListParam();
		(admitting.isEmpty() ? Set.of(NO_PATIENT) : admitting).forEach(id -> ids.addOr(new TokenParam(id)));
		search.add(Constants.PARAM_ID, ids);
	}
}
