package org.consentfhir.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.consentfhir.auth.AuthProperties;
import org.consentfhir.interceptors.ratelimit.RateLimiter;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The per-address limits, through the servlet filter with Spring's servlet test doubles. */
class AddressRateLimitFilterTest {

	@Test
	void limitsTheTokenEndpointPerAddressAndAnswers429WithRetryAfter() throws Exception {
		AddressRateLimitFilter filter = filter(new AuthProperties.RateLimit(true, 100, 100, 2, false));

		assertThat(call(filter, "/oauth2/token", "203.0.113.7").getStatus()).isEqualTo(200);
		assertThat(call(filter, "/oauth2/token", "203.0.113.7").getStatus()).isEqualTo(200);
		MockHttpServletResponse refused = call(filter, "/login", "203.0.113.7");

		assertThat(refused.getStatus()).isEqualTo(429);
		assertThat(refused.getHeader("Retry-After")).isNotBlank();
		assertThat(call(filter, "/oauth2/token", "198.51.100.1").getStatus()).isEqualTo(200);
	}

	@Test
	void limitsTheFhirApiPerAddressWithAnOperationOutcome() throws Exception {
		AddressRateLimitFilter filter = filter(new AuthProperties.RateLimit(true, 100, 1, 100, false));

		call(filter, "/fhir/Patient", "203.0.113.8");
		MockHttpServletResponse refused = call(filter, "/fhir/Patient", "203.0.113.8");

		assertThat(refused.getStatus()).isEqualTo(429);
		assertThat(refused.getContentAsString()).contains("OperationOutcome").contains("throttled");
	}

	@Test
	void leavesLoopbackAloneOnlyWhenConfiguredTo() throws Exception {
		AddressRateLimitFilter exempt = filter(new AuthProperties.RateLimit(true, 100, 1, 100, true));
		AddressRateLimitFilter strict = filter(new AuthProperties.RateLimit(true, 100, 1, 100, false));

		call(exempt, "/fhir/Patient", "127.0.0.1");
		call(strict, "/fhir/Patient", "127.0.0.1");

		assertThat(call(exempt, "/fhir/Patient", "127.0.0.1").getStatus()).isEqualTo(200);
		assertThat(call(strict, "/fhir/Patient", "127.0.0.1").getStatus()).isEqualTo(429);
	}

	@Test
	void countsTokenRequestsPerClaimedClientAcrossAddresses() throws Exception {
		AddressRateLimitFilter filter = filter(new AuthProperties.RateLimit(true, 100, 100, 1, false));
		MockHttpServletRequest first = request("/oauth2/token", "203.0.113.9");
		first.addParameter("client_id", "app");
		MockHttpServletRequest second = request("/oauth2/token", "203.0.113.10");
		second.addParameter("client_id", "app");

		MockHttpServletResponse ok = new MockHttpServletResponse();
		filter.doFilter(first, ok, new MockFilterChain());
		MockHttpServletResponse refused = new MockHttpServletResponse();
		filter.doFilter(second, refused, new MockFilterChain());

		assertThat(ok.getStatus()).isEqualTo(200);
		assertThat(refused.getStatus()).isEqualTo(429);
	}

	private static AddressRateLimitFilter filter(AuthProperties.RateLimit limits) {
		return new AddressRateLimitFilter(new RateLimiter(Clock.systemUTC()), limits);
	}

	private static MockHttpServletResponse call(AddressRateLimitFilter filter, String path, String address) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request(path, address), response, new MockFilterChain());
		return response;
	}

	private static MockHttpServletRequest request(String path, String address) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
		request.setRemoteAddr(address);
		return request;
	}
}
