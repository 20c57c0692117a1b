package org.consentfhir.interceptors.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointPolicyTest {

	private static final Map<String, String> DNS = Map.of(
			"app.example.org", "93.184.216.34", "rebound.example.org", "10.1.2.3", "metadata.example.org", "169.254.169.254",
			"localhost", "127.0.0.1");

	private static EndpointPolicy allowing(String... internalHosts) {
		return new EndpointPolicy(List.of(internalHosts), host -> {
			if (DNS.containsKey(host)) {
				return new InetAddress[] {InetAddress.getByName(DNS.get(host))};
			}
			if (host.matches("[0-9.]+") || host.contains(":")) {
				return new InetAddress[] {InetAddress.getByName(host)};
			}
			throw new UnknownHostException(host);
		});
	}

	@Test
	void refusesHostsThatResolveToInternalAddressesOrNotAtAll() {
		EndpointPolicy policy = allowing();
		for (String endpoint : List.of("http://rebound.example.org/x", "http://metadata.example.org/", "http://localhost:8080/",
				"http://127.0.0.1/", "http://[::1]/", "http://[fc00::1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://192.168.0.1/",
				"http://172.31.255.255/", "http://224.0.0.1/", "http://unknown.example.org/", "ftp://app.example.org/",
				"http://user:pw@app.example.org/", "not a url", "")) {
			assertThat(policy.problemWith(endpoint)).as(endpoint).isPresent();
		}
		assertThat(policy.problemWith("https://app.example.org/hook")).isEmpty();
	}

	@Test
	void admitsOnlyTheInternalHostsASiteNamesExactly() {
		EndpointPolicy policy = allowing("localhost", "127.0.0.1");

		assertThat(policy.problemWith("http://localhost:8080/hook")).isEmpty();
		assertThat(policy.problemWith("http://LOCALHOST/hook")).isEmpty();
		assertThat(policy.problemWith("http://127.0.0.1:9/hook")).isEmpty();
		assertThat(policy.problemWith("http://127.0.0.2/hook")).isPresent();
		assertThat(policy.problemWith("http://[::1]/hook")).isPresent();
		assertThat(policy.problemWith("http://rebound.example.org/hook")).isPresent();
	}

	@Test
	void refusesHeadersOutsideTheAllowedNames() {
		ChannelHeaderPolicy headers = new ChannelHeaderPolicy(List.of("Authorization"));

		assertThat(headers.problemWith("authorization: Bearer x")).isEmpty();
		assertThat(headers.problemWith("Host: internal")).isPresent();
		assertThat(headers.problemWith("Authorization: x\r\nHost: y")).isPresent();
		assertThat(headers.problemWith(": x")).isPresent();
		assertThat(headers.problemWith("Authorization")).isPresent();
	}
}
