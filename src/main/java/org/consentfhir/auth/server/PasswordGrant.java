package org.consentfhir.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * The resource-owner password grant ({@code grant_type=password}) as a token request: who, with
 * which password, asking for which scopes, through the already-authenticated client. OAuth 2.1 drops
 * this grant; it is here, off by default, for scripts and trusted first-party clients (as
 * Keycloak's "direct access grants"). {@link PasswordGrantAuthenticationProvider} decides.
 */
final class PasswordGrant extends OAuth2AuthorizationGrantAuthenticationToken {

	static final AuthorizationGrantType TYPE = new AuthorizationGrantType("password");

	private final String username;
	private final String password;
	private final Set<String> scopes;

	PasswordGrant(Authentication client, String username, String password, Set<String> scopes) {
		super(TYPE, client, Map.of());
		this.username = username;
		this.password = password;
		this.scopes = Set.copyOf(scopes);
	}

	String username() {
		return username;
	}

	String password() {
		return password;
	}

	Set<String> scopes() {
		return scopes;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	/** Reads {@code grant_type=password&username=…&password=…&scope=…} from the token request. */
	static final class Converter implements AuthenticationConverter {

		@Override
		public Authentication convert(HttpServletRequest request) {
			if (!TYPE.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))) {
				return null;
			}
			String scope = request.getParameter(OAuth2ParameterNames.SCOPE);
			Set<String> scopes = scope == null || scope.isBlank()
					? Set.of()
					: new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+")));
			return new PasswordGrant(
					SecurityContextHolder.getContext().getAuthentication(),
					request.getParameter(OAuth2ParameterNames.USERNAME),
					request.getParameter(OAuth2ParameterNames.PASSWORD),
					scopes);
		}
	}
}
