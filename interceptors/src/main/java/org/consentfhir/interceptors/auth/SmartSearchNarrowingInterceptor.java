package org.consentfhir.interceptors.auth;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import org.consentfhir.interceptors.auth.SmartScope.Context;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * Narrows searches made with only {@code patient/} scopes to the token's patient compartment, so
 * that {@code Observation?code=…} from a patient app means "my Observations" instead of being
 * refused. A convenience, not the security check: {@link SmartAuthorizationInterceptor} still
 * checks every resource that comes back.
 *
 * <p>Hooks the incoming request like HAPI's {@link SearchNarrowingInterceptor}, after
 * {@link BearerTokenAuthenticationInterceptor}. Docs: https://hapifhir.io/hapi-fhir/docs/security/search_narrowing_interceptor.html
 */
public class SmartSearchNarrowingInterceptor extends SearchNarrowingInterceptor implements PolicyInterceptor {

	@Override
	protected AuthorizedList buildAuthorizedList(RequestDetails requestDetails) {
		AccessToken token = (AccessToken) requestDetails.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null || token.patient() == null || token.scopes().isEmpty()) {
			return null;
		}
		boolean patientOnly = token.scopes().stream().allMatch(s -> s.context() == Context.PATIENT);
		return patientOnly ? new AuthorizedList().addCompartment("Patient/" + token.patient()) : null;
	}
}
