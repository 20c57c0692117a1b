package org.consentfhir.interceptors.subscription;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the server may POST a notification. A rest-hook endpoint is a request the server makes on a
 * subscriber's behalf, so by default it may not reach what only the server can reach: loopback
 * (127/8, ::1), link-local (169.254/16, fe80::/10, the cloud metadata address among them), private
 * networks (10/8, 172.16/12, 192.168/16, fc00::/7), the unspecified address (0.0.0.0, ::) and
 * multicast. A host that does not resolve is refused too. Every address a host resolves to is
 * checked, at write time and again before each delivery, as a name may resolve elsewhere later (DNS
 * rebinding). A site opts in to internal hosts by name ({@code fhir.subscription.allowed-internal-hosts}),
 * matched against the endpoint's host exactly: listing {@code localhost} does not admit {@code 127.0.0.2}
 * or a public name that resolves to 127.0.0.1.
 */
public final class EndpointPolicy {

	/** Resolves a host name to its addresses; {@link InetAddress#getAllByName} outside tests. */
	public interface HostResolver {
		InetAddress[] resolve(String host) throws UnknownHostException;
	}

	private final Set<String> allowedInternalHosts;
	private final HostResolver resolver;

	public EndpointPolicy(List<String> allowedInternalHosts, HostResolver resolver) {
		this.allowedInternalHosts = allowedInternalHosts.stream().map(EndpointPolicy::normalHost).collect(Collectors.toUnmodifiableSet());
		this.resolver = resolver;
	}

	/** @return why the server may not POST to {@code endpoint}, or empty when it may */
	public Optional<String> problemWith(String endpoint) {
		URI uri;
		try {
			uri = new URI(endpoint == null ? "" : endpoint.strip());
		} catch (Exception e) {
			return Optional.of("the endpoint is not a URL");
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("http") && !scheme.equals("https")) {
			return Optional.of("the endpoint must be an http or https URL");
		}
		if (uri.getHost() == null || uri.getRawUserInfo() != null) {
			return Optional.of("the endpoint must name a host (and no user information)");
		}
		String host = normalHost(uri.getHost());
		if (allowedInternalHosts.contains(host)) {
			return Optional.empty();
		}
		InetAddress[] addresses;
		try {
			addresses = resolver.resolve(host);
		} catch (UnknownHostException e) {
			return Optional.of("the endpoint's host " + host + " does not resolve");
		}
		for (InetAddress address : addresses) {
			if (isInternal(address)) {
				return Optional.of("the endpoint's host " + host + " is internal (" + address.getHostAddress()
						+ "); a site allows internal hosts by name in fhir.subscription.allowed-internal-hosts");
			}
		}
		return addresses.length == 0 ? Optional.of("the endpoint's host " + host + " does not resolve") : Optional.empty();
	}

	static boolean isInternal(InetAddress address) {
		if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
				|| address.isAnyLocalAddress() || address.isMulticastAddress()) {
			return true;
		}
		byte[] bytes = address.getAddress();
		if (address instanceof Inet6Address) {
			return (bytes[0] & 0xfe) == 0xfc; // unique local fc00::/7
		}
		return (bytes[0] & 0xff) == 0 || (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64; // 0/8, carrier-grade NAT 100.64/10
	}

	private static String normalHost(String host) {
		String lower = host.strip().toLowerCase(Locale.ROOT);
		return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
	}
}
