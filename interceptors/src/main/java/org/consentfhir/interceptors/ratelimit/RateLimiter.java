package org.consentfhir.interceptors.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts requests per key in fixed one-minute windows (caffeine keeps the counters and drops them
 * after the window). Cheap and predictable: a caller gets {@code limit} requests per calendar
 * minute, and a refused request learns how many seconds remain until the next minute.
 */
public class RateLimiter {

	private final Clock clock;
	private final Cache<String, AtomicInteger> counters;

	public RateLimiter(Clock clock) {
		this.clock = clock;
		this.counters = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(2)).maximumSize(1_000_000).build();
	}

	/**
	 * Counts one request for {@code key}.
	 *
	 * @return empty if allowed; otherwise the seconds to wait ({@code Retry-After})
	 */
	public OptionalLong acquire(String key, int limitPerMinute) {
		long nowSeconds = clock.instant().getEpochSecond();
		long minute = nowSeconds / 60;
		int count = counters.get(key + "@" + minute, k -> new AtomicInteger()).incrementAndGet();
		if (count <= limitPerMinute) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(Math.max(1, (minute + 1) * 60 - nowSeconds));
	}
}
