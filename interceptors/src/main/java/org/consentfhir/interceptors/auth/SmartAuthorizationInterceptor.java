package org.consentfhir.interceptors.auth;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthorizationSearchParamMatcher;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * HAPI's {@link AuthorizationInterceptor}, fed with the rules {@link ScopeRules} derives from the
 * request's {@link AccessToken}. Denies by default; a request with no token (only {@code metadata}
 * gets this far without one) may read the CapabilityStatement and nothing else. A refusal is 403
 * with an OperationOutcome naming the deciding rule.
 *
 * <p>Keeps HAPI's order for the AuthorizationInterceptor (it hooks the incoming request, every
 * resource about to be shown, and the storage pre-create/update/delete pointcuts, so transaction
 * entries and includes are covered). Docs: https://hapifhir.io/hapi-fhir/docs/security/authorization_interceptor.html
 */
public class SmartAuthorizationInterceptor extends AuthorizationInterceptor implements PolicyInterceptor {

	private final ScopeRules scopeRules;

	public SmartAuthorizationInterceptor(IAuthorizationSearchParamMatcher filterMatcher, ScopeRules scopeRules) {
		super(PolicyEnum.DENY);
		this.scopeRules = scopeRules;
		setAuthorizationSearchParamMatcher(filterMatcher);
		// History and reads by id are let in and every resource on the way out is checked instead:
		// HAPI cannot tell on the way in whether Observation/1/_history is in a patient's compartment.
		setFlags(AuthorizationFlagsEnum.DO_NOT_PROACTIVELY_BLOCK_COMPARTMENT_READ_ACCESS);
	}

	@Override
	public List<IAuthRule> buildRuleList(RequestDetails requestDetails) {
		AccessToken token = (AccessToken) requestDetails.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null) {
			return new RuleBuilder()
					.allow("metadata is public").metadata().andThen()
					.denyAll("no access token")
					.build();
		}
		return scopeRules.forRequest(token, requestDetails.getRestOperationType(), requestDetails.getResourceName());
	}
}
