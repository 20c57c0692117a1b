package org.consentfhir.ratelimit;

import java.time.Clock;
import org.consentfhir.auth.AuthProperties;
import org.consentfhir.interceptors.ratelimit.ClientRateLimitInterceptor;
import org.consentfhir.interceptors.ratelimit.RateLimiter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Rate limits ({@code fhir.auth.rate-limit.*}): per address in a servlet filter, per client in a FHIR interceptor. */
@Configuration
public class RateLimitConfig {

	@Bean
	RateLimiter rateLimiter() {
		return new RateLimiter(Clock.systemUTC());
	}

	@Bean
	FilterRegistrationBean<AddressRateLimitFilter> addressRateLimitFilter(RateLimiter limiter, AuthProperties auth) {
		FilterRegistrationBean<AddressRateLimitFilter> registration =
				new FilterRegistrationBean<>(new AddressRateLimitFilter(limiter, auth.rateLimit()));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10); // before Spring Security's filter chain
		return registration;
	}

	@Bean
	ClientRateLimitInterceptor clientRateLimitInterceptor(RateLimiter limiter, AuthProperties auth) {
		return new ClientRateLimitInterceptor(limiter, auth.rateLimit().enabled() ? auth.rateLimit().perClientPerMinute() : Integer.MAX_VALUE);
	}
}
