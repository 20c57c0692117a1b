package org.consentfhir.auth.server;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.ParseException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * The token response as SMART App Launch wants it: {@code scope} as actually granted (after the
 * role's ceiling) and {@code patient} / {@code encounter} when the token has that context, both read from the
 * access token this server has just signed.
 */
final class SmartTokenResponse implements AuthenticationSuccessHandler {

	private final OAuth2AccessTokenResponseAuthenticationSuccessHandler delegate =
			new OAuth2AccessTokenResponseAuthenticationSuccessHandler();

	SmartTokenResponse() {
		delegate.setAccessTokenResponseCustomizer(context -> {
			OAuth2AccessTokenAuthenticationToken token = context.getAuthentication();
			try {
				var claims = SignedJWT.parse(token.getAccessToken().getTokenValue()).getJWTClaimsSet();
				Map<String, Object> extra = new HashMap<>(token.getAdditionalParameters());
				for (String launchContext : new String[] {"patient", "encounter"}) {
					String value = claims.getStringClaim(launchContext);
					if (value != null) {
						extra.put(launchContext, value);
					}
				}
				context.getAccessTokenResponse().additionalParameters(extra);
				var scope = claims.getStringListClaim("scope");
				if (scope != null) {
					context.getAccessTokenResponse().scopes(new LinkedHashSet<>(scope));
				}
			} catch (ParseException notAJwt) {
				// an opaque token: nothing to add
			}
		});
	}

	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
			throws IOException, jakarta.servlet.ServletException {
		delegate.onAuthenticationSuccess(request, response, authentication);
	}
}
