package org.consentfhir.interceptors.auth;

/**
 * Where an issuer puts what the server needs: SMART's names by default; an external identity
 * provider that uses others (Keycloak's {@code azp}, Azure AD's {@code scp} and {@code roles}) is
 * mapped by configuration.
 */
public record ClaimNames(String scope, String patient, String fhirUser, String role, String clientId) {

	public static final ClaimNames SMART = new ClaimNames("scope", "patient", "fhirUser", "role", "client_id");

	public ClaimNames {
		scope = orDefault(scope, "scope");
		patient = orDefault(patient, "patient");
		fhirUser = orDefault(fhirUser, "fhirUser");
		role = orDefault(role, "role");
		clientId = orDefault(clientId, "client_id");
	}

	private static String orDefault(String value, String fallback) {
		return value == null || value.isBlank() ? fallback : value;
	}
}
