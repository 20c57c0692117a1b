package org.consentfhir.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcClientRegistrationAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.http.converter.OidcClientRegistrationHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * The answer of {@code /connect/register}, as Spring Authorization Server gives it (201 with the
 * registration for a POST, 200 for a read), after the request has been put on the record: a client
 * registered is a change to who may call the server, audited as the admin API's changes are
 * ({@link AdminAudit}), naming the client that registered it; a registration read back is audited as a
 * read, naming the client that read it.
 */
final class RegistrationResponse implements AuthenticationSuccessHandler {

	private final AdminAudit audit;
	private final OidcClientRegistrationHttpMessageConverter registrations = new OidcClientRegistrationHttpMessageConverter();

	RegistrationResponse(AdminAudit audit) {
		this.audit = audit;
	}

	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
			throws IOException {
		OidcClientRegistrationAuthenticationToken registration = (OidcClientRegistrationAuthenticationToken) authentication;
		boolean registered = HttpMethod.POST.matches(request.getMethod());
		// the principal is the registration endpoint's access token; its subject is the client it was issued to
		String caller = ((Authentication) registration.getPrincipal()).getName();
		String clientId = registration.getClientRegistration().getClientId();
		if (registered) {
			audit.clientRegistered(caller, clientId,
					"client registered at /connect/register with scope " + String.join(" ", registration.getClientRegistration().getScopes()));
		} else {
			audit.clientRegistrationRead(caller, clientId);
		}
		ServletServerHttpResponse answer = new ServletServerHttpResponse(response);
		answer.setStatusCode(registered ? HttpStatus.CREATED : HttpStatus.OK);
		registrations.write(registration.getClientRegistration(), null, answer);
	}
}
