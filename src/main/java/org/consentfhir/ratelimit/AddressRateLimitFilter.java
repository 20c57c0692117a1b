package org.consentfhir.ratelimit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;
import java.util.Set;
import org.consentfhir.auth.AuthProperties;
import org.consentfhir.interceptors.ratelimit.RateLimiter;
import org.consentfhir.web.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits requests per remote address, in front of everything else (Spring Security included):
 * the FHIR API and admin API at {@code per-address-per-minute}; the sign-in and token endpoints,
 * where passwords and secrets are guessed, at {@code token-endpoint-per-address-per-minute}, and the
 * token endpoint also per client id asked for. Over the limit: 429 with {@code Retry-After}.
 * Behind a proxy set {@code server.forward-headers-strategy=native} so the address is the caller's.
 */
public class AddressRateLimitFilter extends OncePerRequestFilter {

	private static final Set<String> CREDENTIAL_ENDPOINTS =
			Set.of("/oauth2/token", "/oauth2/authorize", "/login", "/connect/register", "/oauth2/introspect", "/oauth2/revoke");

	private final RateLimiter limiter;
	private final AuthProperties.RateLimit limits;

	public AddressRateLimitFilter(RateLimiter limiter, AuthProperties.RateLimit limits) {
		this.limiter = limiter;
		this.limits = limits;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !limits.enabled() || limits.exemptLoopback() && isLoopback(request.getRemoteAddr());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI();
		String address = request.getRemoteAddr();
		OptionalLong wait = OptionalLong.empty();
		boolean credentials = CREDENTIAL_ENDPOINTS.contains(path);
		if (credentials) {
			wait = limiter.acquire("credentials " + address, limits.tokenEndpointPerAddressPerMinute());
			String client = claimedClientId(request);
			if (wait.isEmpty() && client != null) {
				wait = limiter.acquire("token-client " + client, limits.tokenEndpointPerAddressPerMinute());
			}
		} else if (path.startsWith("/fhir") || path.startsWith("/admin")) {
			wait = limiter.acquire("address " + address, limits.perAddressPerMinute());
		}
		if (wait.isPresent()) {
			tooMany(response, wait.getAsLong(), credentials);
			return;
		}
		chain.doFilter(request, response);
	}

	private static void tooMany(HttpServletResponse response, long seconds, boolean oauth) throws IOException {
		response.setStatus(429);
		response.setHeader("Retry-After", Long.toString(seconds));
		if (oauth) {
			response.setContentType("application/json");
			response.getWriter().write("{\"error\":\"too_many_requests\",\"error_description\":\"Too many requests; retry after "
					+ seconds + " s\"}");
		} else {
			OperationOutcomes.write(response, 429, IssueType.THROTTLED,
					"Too many requests from this address; retry after " + seconds + " s");
		}
	}

	/** The client id a token request names (Basic credentials or client_id), unverified: only a counter key. */
	static String claimedClientId(HttpServletRequest request) {
		if (!"/oauth2/token".equals(request.getRequestURI())) {
			return null;
		}
		String header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
			try {
				String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
				int colon = decoded.indexOf(':');
				return colon > 0 ? decoded.substring(0, colon) : null;
			} catch (IllegalArgumentException notBase64) {
				return null;
			}
		}
		return request.getParameter("client_id");
	}

	static boolean isLoopback(String address) {
		try {
			return address != null && InetAddress.getByName(address).isLoopbackAddress();
		} catch (IOException e) {
			return false;
		}
	}
}
