package org.consentfhir.auth.server;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.consentfhir.auth.RevocationList;
import org.consentfhir.interceptors.auth.Role;
import org.consentfhir.interceptors.auth.SmartScope;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Makes the built-in server's JWTs SMART access tokens: {@code aud} is the FHIR base URL,
 * {@code scope} the granted scopes (a JSON array, as Spring Authorization Server reads its own
 * tokens back; the resource server takes an array or a space-separated string) cut down to the
 * user's {@link Role}, and {@code patient} (the user's own record, an EHR launch's context, or
 * the patient picked at launch), {@code encounter} (EHR launch),
 * {@code fhirUser}, {@code role} and {@code client_id} say who and for whom; a device's client gets
 * role {@code device} and its {@code Device/…} as fhirUser. The {@code id_token}
 * gets {@code fhirUser}.
 *
 * <p>No access token is made for a user who is disabled now, whatever the grant (a code issued
 * before, a refresh token), nor from a code or refresh token granted before the user was last
 * disabled (they may have been enabled again since: that gives them new sign-ins, not the old grants).
 */
final class SmartTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	private final SigningKeys keys;
	private final String publicBaseUrl;
	private final UserAccounts accounts;
	private final LaunchContexts launchContexts;
	private final RevocationList revocations;

	SmartTokenCustomizer(SigningKeys keys, String publicBaseUrl, UserAccounts accounts, LaunchContexts launchContexts,
			RevocationList revocations) {
		this.revocations = revocations;
		this.keys = keys;
		this.publicBaseUrl = publicBaseUrl == null || publicBaseUrl.isBlank() ? null : publicBaseUrl;
		this.accounts = accounts;
		this.launchContexts = launchContexts;
	}

	@Override
	public void customize(JwtEncodingContext context) {
		context.getJwsHeader().keyId(keys.currentKeyId());
		UserAccount user = currentUser(context.getPrincipal());
		if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
			if (user != null && user.fhirUser() != null && context.getAuthorizedScopes().contains("fhirUser")) {
				context.getClaims().claim("fhirUser", user.fhirUser());
			}
			return;
		}
		if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
			return;
		}
		if (user != null) {
			refuseIfRevoked(user, context);
		}
		String issuer = context.getAuthorizationServerContext().getIssuer();
		String device = DeviceClients.deviceOf(context.getRegisteredClient());
		context.getClaims()
				.audience(List.of(publicBaseUrl != null ? publicBaseUrl : issuer + "/fhir"))
				.claim("client_id", context.getRegisteredClient().getClientId())
				.claim("scope", device != null ? DeviceClients.scopesFor(context.getAuthorizedScopes()) : scopesFor(user, context.getAuthorizedScopes()));
		if (device != null) {
			context.getClaims().claim("role", Role.DEVICE.id()).claim("fhirUser", device);
			return;
		}
		if (user != null) {
			context.getClaims().claim("role", user.role().id());
			if (user.fhirUser() != null) {
				context.getClaims().claim("fhirUser", user.fhirUser());
			}
			var ehrLaunch = context.getAuthorizedScopes().contains("launch")
					? launchContexts.find(PatientPicker.requestParameter(context.getAuthorization(), "launch"))
					: java.util.Optional.<LaunchContexts.LaunchContext>empty();
			String patient = user.ownPatientId() != null ? user.ownPatientId()
					: ehrLaunch.map(LaunchContexts.LaunchContext::patient).orElse(PatientPicker.chosenPatient(context.getAuthorization()));
			if (patient != null) {
				context.getClaims().claim("patient", patient);
			}
			ehrLaunch.map(LaunchContexts.LaunchContext::encounter).ifPresent(e -> context.getClaims().claim("encounter", e));
		}
	}

	private void refuseIfRevoked(UserAccount user, JwtEncodingContext context) {
		if (!accounts.find(user.username()).map(UserAccount::enabled).orElse(false)) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, "The user's account is disabled", null));
		}
		Instant grantedAt = grantedAt(context);
		if (grantedAt != null && revocations.subjectRevokedAt(user.username()).filter(r -> !grantedAt.isAfter(r)).isPresent()) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
					"The grant was made before the user's account was disabled", null));
		}
	}

	/** When the code or refresh token being exchanged was issued; null for grants without one (password). */
	private static Instant grantedAt(JwtEncodingContext context) {
		OAuth2Authorization authorization = context.getAuthorization();
		if (authorization == null) {
			return null;
		}
		OAuth2Authorization.Token<? extends OAuth2Token> grant =
				AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType()) ? authorization.getRefreshToken()
				: AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
						? authorization.getToken(OAuth2AuthorizationCode.class) : null;
		return grant == null ? null : grant.getToken().getIssuedAt();
	}

	/** Resource scopes cut to the role's ceiling; other scopes (openid, launch/patient, ...) kept. */
	static List<String> scopesFor(UserAccount user, Set<String> authorized) {
		if (user == null) {
			return authorized.stream().sorted().toList();
		}
		List<SmartScope> resourceScopes = authorized.stream().flatMap(s -> SmartScope.parse(s).stream()).toList();
		Stream<String> others = authorized.stream().filter(s -> SmartScope.parse(s).isEmpty());
		Stream<String> limited = user.role().limit(resourceScopes).stream().map(SmartScope::toString);
		return Stream.concat(others, limited).distinct().sorted().collect(Collectors.toList());
	}

	private static UserAccount currentUser(Authentication principal) {
		return principal != null && principal.getPrincipal() instanceof UserAccount user ? user : null;
	}

	static boolean any(Collection<String> scopes, String... wanted) {
		return Stream.of(wanted).anyMatch(scopes::contains);
	}
}
