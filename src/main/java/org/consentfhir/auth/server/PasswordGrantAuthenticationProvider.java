package org.consentfhir.auth.server;

import java.security.Principal;
import java.util.Set;
import org.consentfhir.interceptors.auth.SmartScope;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.token.DefaultOAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Issues tokens for {@link PasswordGrant}: only when {@code fhir.auth.password-grant-enabled} is on
 * and the client is registered for the {@code password} grant; the user is checked by
 * {@link UserAuthenticator} (so lockout and disabled accounts apply); the scopes asked for must be
 * the client's, or SMART scopes inside the client's. A refresh token comes only with {@code offline_access} or {@code online_access}.
 */
final class PasswordGrantAuthenticationProvider implements AuthenticationProvider {

	private final boolean enabled;
	private final UserAuthenticator users;
	private final OAuth2AuthorizationService authorizations;
	private final OAuth2TokenGenerator<? extends OAuth2Token> tokens;

	PasswordGrantAuthenticationProvider(
			boolean enabled,
			UserAuthenticator users,
			OAuth2AuthorizationService authorizations,
			OAuth2TokenGenerator<? extends OAuth2Token> tokens) {
		this.enabled = enabled;
		this.users = users;
		this.authorizations = authorizations;
		this.tokens = tokens;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		PasswordGrant grant = (PasswordGrant) authentication;
		if (!enabled) {
			throw error(OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE, "The password grant is switched off on this server");
		}
		if (!(grant.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()) {
			throw error(OAuth2ErrorCodes.INVALID_CLIENT, "The client is not authenticated");
		}
		RegisteredClient registered = client.getRegisteredClient();
		if (registered == null || !registered.getAuthorizationGrantTypes().contains(PasswordGrant.TYPE)) {
			throw error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, "This client may not use the password grant");
		}
		Set<String> scopes = grant.scopes();
		if (!scopes.stream().allMatch(scope -> allowedFor(registered, scope))) {
			throw error(OAuth2ErrorCodes.INVALID_SCOPE, "The client may not ask for some of these scopes");
		}
		Authentication user;
		try {
			user = users.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(grant.username(), grant.password()));
		} catch (AuthenticationException e) {
			throw error(OAuth2ErrorCodes.INVALID_GRANT, e.getMessage());
		}

		DefaultOAuth2TokenContext.Builder context = DefaultOAuth2TokenContext.builder()
				.registeredClient(registered)
				.principal(user)
				.authorizationServerContext(AuthorizationServerContextHolder.getContext())
				.authorizedScopes(scopes)
				.authorizationGrantType(PasswordGrant.TYPE)
				.authorizationGrant(grant);
		OAuth2Authorization.Builder authorization = OAuth2Authorization.withRegisteredClient(registered)
				.principalName(user.getName())
				.authorizationGrantType(PasswordGrant.TYPE)
				.authorizedScopes(scopes)
				.attribute(Principal.class.getName(), user);

		OAuth2Token generated = tokens.generate(context.tokenType(OAuth2TokenType.ACCESS_TOKEN).build());
		if (generated == null) {
			throw error(OAuth2ErrorCodes.SERVER_ERROR, "No access token could be made");
		}
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				generated.getTokenValue(), generated.getIssuedAt(), generated.getExpiresAt(), scopes);
		if (generated instanceof ClaimAccessor claims) {
			authorization.token(accessToken, metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims.getClaims()));
		} else {
			authorization.accessToken(accessToken);
		}
		OAuth2RefreshToken refreshToken = null;
		if (registered.getAuthorizationGrantTypes().contains(org.springframework.security.oauth2.core.AuthorizationGrantType.REFRESH_TOKEN)) {
			OAuth2Token refresh = tokens.generate(context.tokenType(OAuth2TokenType.REFRESH_TOKEN).build());
			if (refresh instanceof OAuth2RefreshToken r) {
				refreshToken = r;
				authorization.refreshToken(r);
			}
		}
		authorizations.save(authorization.build());
		return new OAuth2AccessTokenAuthenticationToken(registered, client, accessToken, refreshToken);
	}

	/** A registered scope, or a SMART resource scope inside one ({@code user/*.rs} under {@code user/*.cruds}). */
	static boolean allowedFor(RegisteredClient client, String scope) {
		if (client.getScopes().contains(scope)) {
			return true;
		}
		return SmartScope.parse(scope)
				.map(asked -> client.getScopes().stream()
						.flatMap(r -> SmartScope.parse(r).stream())
						.anyMatch(registered -> asked.within(registered).filter(asked::equals).isPresent()))
				.orElse(false);
	}

	private static OAuth2AuthenticationException error(String code, String description) {
		return new OAuth2AuthenticationException(new OAuth2Error(code, description, null));
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return PasswordGrant.class.isAssignableFrom(authentication);
	}
}
