package org.consentfhir.auth.server;

import org.consentfhir.interceptors.FhirIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.consentfhir.interceptors.auth.Role;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Standalone launch with {@code launch/patient} by someone who is not the patient: before the
 * authorization request goes on, a signed-in practitioner is sent to {@code /launch/select-patient}
 * to pick the patient, who comes back as the request's {@code launch_patient} parameter and ends up
 * in the token's {@code patient} claim. A patient user is always their own patient.
 */
final class PatientPicker extends OncePerRequestFilter {

	static final String PARAMETER = "launch_patient";
	static final String PAGE = "/launch/select-patient";

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"GET".equals(request.getMethod()) || !"/oauth2/authorize".equals(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication user = SecurityContextHolder.getContext().getAuthentication();
		String scope = request.getParameter("scope");
		boolean launchPatient = scope != null && Arrays.asList(scope.split(" ")).contains("launch/patient");
		if (launchPatient
				&& user != null && user.getPrincipal() instanceof UserAccount account
				&& account.role() != Role.PATIENT
				&& request.getParameter(PARAMETER) == null
				&& request.getParameter("launch") == null) { // an EHR launch brings its own context
			response.sendRedirect(PAGE + "?" + request.getQueryString());
			return;
		}
		chain.doFilter(request, response);
	}

	/** The patient a practitioner picked for this authorization, or null. */
	static String chosenPatient(OAuth2Authorization authorization) {
		String chosen = requestParameter(authorization, PARAMETER);
		return FhirIds.isId(chosen) ? chosen : null;
	}

	/** A parameter of the authorization request behind this authorization (e.g. {@code launch}), or null. */
	static String requestParameter(OAuth2Authorization authorization, String name) {
		if (authorization == null) {
			return null;
		}
		OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
		if (request == null) {
			return null;
		}
		Map<String, Object> extra = request.getAdditionalParameters();
		return extra.get(name) instanceof String value ? value : null;
	}
}
