package org.consentfhir.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * The error of a refused {@code /connect/register} request, with the statuses Spring Authorization
 * Server gives it (401 for a token it does not take, 403 for a token without {@code client.create}),
 * and a description of the token a registration needs where Spring gives none: Spring takes only an
 * access token whose one scope is {@code client.create}, and only once, and otherwise answers a bare
 * {@code invalid_token}, which names neither rule.
 */
final class RegistrationErrorResponse implements AuthenticationFailureHandler {

	private static final String TOKEN_NEEDED = "a client registration needs a current access token whose only scope is client.create,"
			+ " and each such token registers one client: request one with grant_type=client_credentials&scope=client.create"
			+ " (the admin client); a token with more scopes, or one already used for a registration, is refused";

	private final OAuth2ErrorHttpMessageConverter errors = new OAuth2ErrorHttpMessageConverter();

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException {
		// Spring's registration filter hands every failure over as an OAuth2AuthenticationException
		OAuth2Error error = ((OAuth2AuthenticationException) exception).getError();
		String code = error.getErrorCode();
		boolean aboutTheToken = OAuth2ErrorCodes.INVALID_TOKEN.equals(code) || OAuth2ErrorCodes.INSUFFICIENT_SCOPE.equals(code);
		if (aboutTheToken && error.getDescription() == null) {
			error = new OAuth2Error(code, TOKEN_NEEDED, error.getUri());
		}
		HttpStatus status = switch (code) {
			case OAuth2ErrorCodes.INVALID_TOKEN, OAuth2ErrorCodes.INVALID_CLIENT -> HttpStatus.UNAUTHORIZED;
			case OAuth2ErrorCodes.INSUFFICIENT_SCOPE -> HttpStatus.FORBIDDEN;
			default -> HttpStatus.BAD_REQUEST;
		};
		ServletServerHttpResponse reply = new ServletServerHttpResponse(response);
		reply.setStatusCode(status);
		errors.write(error, null, reply);
	}
}
