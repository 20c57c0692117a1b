package org.consentfhir.interceptors.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads the SMART claims out of a verified claim set, under the issuer's claim names. */
final class TokenClaims {

	private TokenClaims() {}

	static AccessToken toAccessToken(JWTClaimsSet claims, ClaimNames names) throws InvalidTokenException {
		List<String> grantedScopes = scopeStrings(claims.getClaim(names.scope()));
		List<SmartScope> granted = grantedScopes.stream()
				.flatMap(s -> SmartScope.parse(s).stream())
				.toList();
		Optional<Role> role = roleOf(claims.getClaim(names.role()));
		if (claims.getClaim(names.role()) != null && role.isEmpty()) {
			throw new InvalidTokenException("The token names a role this server does not know: " + claims.getClaim(names.role()));
		}
		List<SmartScope> scopes = role.map(r -> r.limit(granted)).orElse(granted);
		String fhirUser = string(claims, names.fhirUser());
		String patient = string(claims, names.patient());
		if (patient == null && role.orElse(null) == Role.PATIENT && fhirUser != null && fhirUser.contains("Patient/")) {
			patient = fhirUser.substring(fhirUser.lastIndexOf("Patient/") + "Patient/".length());
		}
		String clientId = Optional.ofNullable(string(claims, names.clientId())).orElse(string(claims, "azp"));
		return new AccessToken(
				claims.getIssuer(),
				claims.getSubject(),
				clientId,
				scopes,
				grantedScopes,
				patient,
				fhirUser,
				role.orElse(null),
				claims.getExpirationTime().toInstant(),
				string(claims, AccessToken.PURPOSE_OF_USE_CLAIM));
	}

	private static List<String> scopeStrings(Object claim) {
		if (claim instanceof String text) {
			return Arrays.asList(text.trim().split("\\s+"));
		}
		if (claim instanceof Collection<?> items) {
			return items.stream().map(String::valueOf).toList();
		}
		return List.of();
	}

	private static Optional<Role> roleOf(Object claim) {
		if (claim instanceof Collection<?> items) {
			return items.size() == 1 ? Role.of(String.valueOf(items.iterator().next())) : Optional.empty();
		}
		return claim == null ? Optional.empty() : Role.of(String.valueOf(claim));
	}

	private static String string(JWTClaimsSet claims, String name) throws InvalidTokenException {
		try {
			return claims.getStringClaim(name);
		} catch (ParseException e) {
			throw new InvalidTokenException("The token's " + name + " claim is not a string");
		}
	}
}
