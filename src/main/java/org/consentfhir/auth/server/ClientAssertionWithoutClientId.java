package org.consentfhir.auth.server;

import com.nimbusds.jwt.JWTParser;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * SMART Backend Services send a client assertion without {@code client_id} (RFC 7523 makes it
 * optional); Spring Authorization Server insists on it. This reads the client id from the
 * assertion's {@code sub} so the assertion can be checked against that client's keys, which then
 * verify {@code iss}, {@code sub}, {@code aud}, expiry and signature as usual. Requests that carry
 * {@code client_id} are left to Spring's own converter.
 */
final class ClientAssertionWithoutClientId implements AuthenticationConverter {

	private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	@Override
	public Authentication convert(HttpServletRequest request) {
		if (!JWT_BEARER.equals(request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE))
				|| request.getParameter(OAuth2ParameterNames.CLIENT_ID) != null) {
			return null;
		}
		String assertion = request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION);
		try {
			String subject = assertion == null ? null : JWTParser.parse(assertion).getJWTClaimsSet().getSubject();
			if (subject == null || subject.isBlank()) {
				throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
			}
			// the method name Spring's own converter gives such a request, which its provider checks for
			return new OAuth2ClientAuthenticationToken(subject, new ClientAuthenticationMethod(JWT_BEARER), assertion, Map.of());
		} catch (ParseException e) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
	}
}
