package org.consentfhir.interceptors.subscription;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which HTTP headers a Subscription may have the server send ({@code channel.header}, "Name: value").
 * The server sends them with its own request, so a free choice would let a subscriber set
 * {@code Host}, forwarding or internal-routing headers; only the names a site lists
 * ({@code fhir.subscription.allowed-headers}, by default {@code Authorization}) are accepted.
 */
public final class ChannelHeaderPolicy {

	private final Set<String> allowedNames;

	public ChannelHeaderPolicy(List<String> allowedNames) {
		this.allowedNames = allowedNames.stream().map(n -> n.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
	}

	/** @return why the server may not send {@code header}, or empty when it may */
	public Optional<String> problemWith(String header) {
		int colon = header == null ? -1 : header.indexOf(':');
		if (colon <= 0 || header.chars().anyMatch(c -> c == '\r' || c == '\n')) {
			return Optional.of("a channel.header is one line 'Name: value'");
		}
		String name = header.substring(0, colon).strip();
		if (!allowedNames.contains(name.toLowerCase(Locale.ROOT))) {
			return Optional.of("the channel.header " + name + " is not allowed; allowed: " + allowedNames.stream().sorted().toList());
		}
		return Optional.empty();
	}
}
