package org.consentfhir.auth.server;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens only for what SMART asks them for: a grant that includes {@code offline_access}
 * (lasting) or {@code online_access} (while the user's session lasts; here, the same lifetime).
 * Every refresh returns a new refresh token and retires the old one (rotation; see the client's
 * token settings).
 */
final class OfflineAccessRefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {

	private final OAuth2RefreshTokenGenerator delegate = new OAuth2RefreshTokenGenerator();

	@Override
	public OAuth2RefreshToken generate(OAuth2TokenContext context) {
		if (!SmartTokenCustomizer.any(context.getAuthorizedScopes(), "offline_access", "online_access")) {
			return null;
		}
		return delegate.generate(context);
	}
}
