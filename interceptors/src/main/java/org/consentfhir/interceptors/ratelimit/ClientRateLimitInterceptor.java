package org.consentfhir.interceptors.ratelimit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.OptionalLong;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * Limits FHIR requests per OAuth client: the client of the verified token (never a claim of an
 * unverified one, so nobody can spend another client's budget). Over the limit: 429 with
 * {@code Retry-After} and an OperationOutcome. Per-address limits are a servlet filter in front.
 *
 * <p>Hooks {@link Pointcut#SERVER_INCOMING_REQUEST_POST_PROCESSED}, order
 * {@link InterceptorOrder#CLIENT_RATE_LIMIT}: right after authentication.
 */
@Interceptor(order = InterceptorOrder.CLIENT_RATE_LIMIT)
public class ClientRateLimitInterceptor implements PolicyInterceptor {

	private final RateLimiter limiter;
	private final int perClientPerMinute;

	public ClientRateLimitInterceptor(RateLimiter limiter, int perClientPerMinute) {
		this.limiter = limiter;
		this.perClientPerMinute = perClientPerMinute;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public boolean serverIncomingRequestPostProcessed(RequestDetails requestDetails) {
		AccessToken token = (AccessToken) requestDetails.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null) {
			return true;
		}
		String client = token.issuer() + " " + (token.clientId() != null ? token.clientId() : token.subject());
		OptionalLong wait = limiter.acquire("client " + client, perClientPerMinute);
		if (wait.isPresent()) {
			UnclassifiedServerFailureException tooMany = new UnclassifiedServerFailureException(
					429, "Too many requests from client " + token.clientId() + ": at most " + perClientPerMinute + " a minute");
			tooMany.addResponseHeader("Retry-After", Long.toString(wait.getAsLong()));
			throw tooMany;
		}
		return true;
	}
}
