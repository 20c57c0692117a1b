package org.consentfhir.interceptors.auth;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.auth.SmartScope.Permission;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * Adds a query-filtered scope's filter to the searches it governs: with only
 * {@code patient/Observation.rs?category=vital-signs}, {@code Observation?patient=1} is searched as
 * {@code Observation?patient=1&category=vital-signs}, so the app gets its vital signs instead of a
 * 403 for the first laboratory result. Applies when every scope that allows searching the type has
 * the same filter (several different filters would mean "any of", which a search cannot say; then
 * {@link SmartAuthorizationInterceptor} checks each result instead).
 *
 * <p>Hooks {@link Pointcut#SERVER_INCOMING_REQUEST_POST_PROCESSED} after authentication, like HAPI's
 * SearchNarrowingInterceptor. A convenience: every result is still checked against the filter.
 */
@Interceptor(order = InterceptorOrder.SCOPE_FILTER_NARROWING)
public class ScopeFilterNarrowingInterceptor implements PolicyInterceptor {

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public boolean serverIncomingRequestPostProcessed(RequestDetails requestDetails) {
		AccessToken token = (AccessToken) requestDetails.getUserData().get(AccessToken.USER_DATA_KEY);
		String type = requestDetails.getResourceName();
		if (token == null || type == null || requestDetails.getId() != null || requestDetails.getOperation() != null
				|| requestDetails.getRequestType() != RequestTypeEnum.GET) {
			return true;
		}
		Set<String> filters = token.scopes().stream()
				.filter(s -> s.coversType(type) && s.allows(Permission.SEARCH))
				.map(s -> s.filter() == null ? "" : s.filter())
				.collect(Collectors.toSet());
		if (filters.size() != 1 || filters.contains("")) {
			return true;
		}
		Map<String, String[]> parameters = new LinkedHashMap<>(requestDetails.getParameters());
		parseQuery(filters.iterator().next()).forEach((name, values) -> {
			List<String> all = new ArrayList<>(List.of(parameters.getOrDefault(name, new String[0])));
			all.addAll(values);
			parameters.put(name, all.toArray(String[]::new));
		});
		requestDetails.setParameters(parameters);
		return true;
	}

	static Map<String, List<String>> parseQuery(String query) {
		Map<String, List<String>> parsed = new HashMap<>();
		for (String pair : query.split("&")) {
			int eq = pair.indexOf('=');
			if (eq > 0) {
				parsed.computeIfAbsent(decode(pair.substring(0, eq)), k -> new ArrayList<>()).add(decode(pair.substring(eq + 1)));
			}
		}
		return parsed;
	}

	private static String decode(String text) {
		return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
	}
}
