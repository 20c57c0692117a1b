package org.consentfhir.interceptors.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a verified bearer token says about the caller: who, through which client, with which
 * scopes (already cut down to the role's ceiling), for which patient. Kept in the request's user
 * data under {@link #USER_DATA_KEY} by {@link BearerTokenAuthenticationInterceptor}.
 *
 * @param grantedScopes every scope string the token carries, resource scopes or not (e.g. {@code users.manage})
 * @param patient the launch context's patient id (no type prefix), or null
 * @param fhirUser the person behind the token, e.g. {@code Practitioner/123}, or null
 * @param purposeOfUse the token's {@code purpose_of_use} claim (a v3 ActReason code such as {@code TREAT}), or null
 */
public record AccessToken(
		String issuer,
		String subject,
		String clientId,
		List<SmartScope> scopes,
		List<String> grantedScopes,
		String patient,
		String fhirUser,
		Role role,
		Instant expiresAt,
		String purposeOfUse) {

	public static final String PURPOSE_OF_USE_CLAIM = "purpose_of_use";
	public static final String USER_DATA_KEY = AccessToken.class.getName();

	public Optional<Role> roleIfAny() {
		return Optional.ofNullable(role);
	}

	public boolean hasScope(String scope) {
		return grantedScopes.contains(scope);
	}

	/** Who is asking, for logs and audit: the person if known, else the subject, and the client. */
	public String describe() {
		return (fhirUser != null ? fhirUser : subject) + " via client " + clientId;
	}
}
