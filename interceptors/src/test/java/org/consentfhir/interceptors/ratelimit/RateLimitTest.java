package org.consentfhir.interceptors.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.consentfhir.interceptors.auth.AccessToken;
import org.junit.jupiter.api.Test;

class RateLimitTest {

	private static final Clock TWENTY_SECONDS_INTO_A_MINUTE = Clock.fixed(Instant.parse("2026-11-21T10:00:20Z"), ZoneOffset.UTC);

	@Test
	void allowsTheLimitPerMinuteThenSaysHowLongToWait() {
		RateLimiter limiter = new RateLimiter(TWENTY_SECONDS_INTO_A_MINUTE);

		assertThat(limiter.acquire("a", 2)).isEmpty();
		assertThat(limiter.acquire("a", 2)).isEmpty();
		assertThat(limiter.acquire("a", 2)).hasValue(40);
		assertThat(limiter.acquire("b", 2)).isEmpty();
	}

	@Test
	void startsAfreshTheNextMinute() {
		RateLimiter earlier = new RateLimiter(TWENTY_SECONDS_INTO_A_MINUTE);
		earlier.acquire("a", 1);
		assertThat(earlier.acquire("a", 1)).isPresent();

		RateLimiter sameCounters = new RateLimiter(Clock.offset(TWENTY_SECONDS_INTO_A_MINUTE, java.time.Duration.ofSeconds(60)));
		assertThat(sameCounters.acquire("a", 1)).isEmpty();
	}

	@Test
	void refusesAClientOverItsBudgetWith429AndRetryAfter() {
		ClientRateLimitInterceptor interceptor = new ClientRateLimitInterceptor(new RateLimiter(TWENTY_SECONDS_INTO_A_MINUTE), 1);
		SystemRequestDetails request = new SystemRequestDetails();
		request.getUserData().put(AccessToken.USER_DATA_KEY,
				new AccessToken("https://issuer", "sub", "app-1", List.of(), List.of(), null, null, null, Instant.MAX, null));

		assertThat(interceptor.serverIncomingRequestPostProcessed(request)).isTrue();
		assertThatThrownBy(() -> interceptor.serverIncomingRequestPostProcessed(request))
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
					assertThat(e.getStatusCode()).isEqualTo(429);
					assertThat(e.getResponseHeaders()).containsEntry("Retry-After", List.of("40"));
				});
	}
}
