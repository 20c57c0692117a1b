package org.consentfhir.interceptors.auth;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requires {@code Authorization: Bearer <JWT>} on every FHIR request except the CapabilityStatement
 * ({@code metadata}), verifies it with a {@link TokenVerifier} and keeps the result as an
 * {@link AccessToken} in the request's user data for the authorization interceptors. A missing or
 * bad token is answered 401 with {@code WWW-Authenticate: Bearer} (RFC 6750) and an OperationOutcome
 * that says what was wrong.
 *
 * <p>Hooks {@link Pointcut#SERVER_INCOMING_REQUEST_POST_PROCESSED}; order
 * {@link InterceptorOrder#AUTHENTICATION}, before anything else looks at the request.
 */
@Interceptor(order = InterceptorOrder.AUTHENTICATION)
public class BearerTokenAuthenticationInterceptor implements PolicyInterceptor {

	private static final Logger log = LoggerFactory.getLogger(BearerTokenAuthenticationInterceptor.class);
	private static final Set<String> OPEN_PATHS = Set.of("metadata", ".well-known/smart-configuration");

	private final TokenVerifier verifier;
	private final String publicBaseUrl;

	/** @param publicBaseUrl the FHIR base URL tokens must name as audience; blank: the URL the request came to */
	public BearerTokenAuthenticationInterceptor(TokenVerifier verifier, String publicBaseUrl) {
		this.verifier = verifier;
		this.publicBaseUrl = publicBaseUrl;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public boolean serverIncomingRequestPostProcessed(RequestDetails requestDetails, HttpServletRequest request) {
		if (OPEN_PATHS.contains(requestDetails.getRequestPath())) {
			return true;
		}
		String bearer = BearerCredentials.token(request.getHeader("Authorization")).orElseThrow(() ->
				unauthorized(null, "This server requires an access token: Authorization: Bearer <token>"));
		String audience = BearerCredentials.audience(publicBaseUrl, requestDetails.getFhirServerBase());
		try {
			AccessToken token = verifier.verify(bearer, audience, BearerCredentials.originOf(audience));
			requestDetails.getUserData().put(AccessToken.USER_DATA_KEY, token);
			return true;
		} catch (InvalidTokenException e) {
			log.info("Refused a bearer token for {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
			throw unauthorized("invalid_token", e.getMessage());
		}
	}

	private static AuthenticationException unauthorized(String error, String description) {
		AuthenticationException exception = new AuthenticationException(description);
		StringBuilder challenge = new StringBuilder("Bearer realm=\"fhir\"");
		if (error != null) {
			challenge.append(", error=\"").append(error).append("\", error_description=\"")
					.append(description.replace("\"", "'")).append('"');
		}
		exception.addResponseHeader("WWW-Authenticate", challenge.toString());
		return exception;
	}

}
