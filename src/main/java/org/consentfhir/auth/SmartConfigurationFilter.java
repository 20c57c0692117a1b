package org.consentfhir.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.consentfhir.interceptors.auth.SmartEndpoints;
import org.consentfhir.web.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Serves {@code /fhir/.well-known/smart-configuration}, the SMART App Launch 2.0 discovery document:
 * where to authorize and get tokens, and what this server supports. Without the built-in
 * authorization server there is nothing to describe and it answers 404.
 */
final class SmartConfigurationFilter extends OncePerRequestFilter {

	static final String PATH = "/fhir/.well-known/smart-configuration";

	static final List<String> CAPABILITIES = List.of(
			"launch-standalone", "launch-ehr", "client-public", "client-confidential-symmetric",
			"client-confidential-asymmetric", "context-standalone-patient", "permission-v1", "permission-v2",
			"permission-patient", "permission-user", "permission-offline", "permission-online", "sso-openid-connect");

	static final List<String> SCOPES = List.of(
			"openid", "fhirUser", "launch", "launch/patient", "offline_access", "online_access",
			"patient/*.cruds", "patient/*.rs", "patient/*.read", "patient/*.write",
			"user/*.cruds", "user/*.rs", "user/*.read", "user/*.write",
			"system/*.cruds", "system/*.rs", "system/*.read", "system/*.write");

	private static final ObjectMapper JSON = new ObjectMapper();

	private final Function<String, SmartEndpoints> endpointsForOrigin;
	private final boolean passwordGrantEnabled;

	SmartConfigurationFilter(Function<String, SmartEndpoints> endpointsForOrigin, boolean passwordGrantEnabled) {
		this.endpointsForOrigin = endpointsForOrigin;
		this.passwordGrantEnabled = passwordGrantEnabled;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !PATH.equals(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		String origin = ServletUriComponentsBuilder.fromContextPath(request).replacePath(null).replaceQuery(null).toUriString();
		SmartEndpoints endpoints = endpointsForOrigin.apply(origin);
		if (endpoints == null) {
			OperationOutcomes.write(response, 404, IssueType.NOTFOUND,
					"The built-in authorization server is off; ask the site's identity provider");
			return;
		}
		response.setContentType("application/json");
		response.setHeader("Cache-Control", "public, max-age=300");
		JSON.writeValue(response.getWriter(), document(endpoints));
	}

	Map<String, Object> document(SmartEndpoints endpoints) {
		Map<String, Object> doc = new LinkedHashMap<>();
		doc.put("issuer", endpoints.issuer());
		doc.put("jwks_uri", endpoints.jwks());
		doc.put("authorization_endpoint", endpoints.authorize());
		doc.put("token_endpoint", endpoints.token());
		doc.put("registration_endpoint", endpoints.register());
		doc.put("revocation_endpoint", endpoints.revoke());
		doc.put("introspection_endpoint", endpoints.introspect());
		doc.put("grant_types_supported", passwordGrantEnabled
				? List.of("authorization_code", "client_credentials", "refresh_token", "password")
				: List.of("authorization_code", "client_credentials", "refresh_token"));
		doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
		doc.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
		doc.put("scopes_supported", SCOPES);
		doc.put("response_types_supported", List.of("code"));
		doc.put("code_challenge_methods_supported", List.of("S256"));
		doc.put("capabilities", CAPABILITIES);
		return doc;
	}
}
