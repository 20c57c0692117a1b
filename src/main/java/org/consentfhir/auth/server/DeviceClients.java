package org.consentfhir.auth.server;

import java.util.List;
import java.util.Set;
import org.consentfhir.interceptors.auth.Role;
import org.consentfhir.interceptors.auth.SmartScope;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/** How a device's OAuth client is marked: a client setting naming its {@code Device/…}. */
final class DeviceClients {

	static final String DEVICE_SETTING = "settings.client.consentfhir.device";

	private DeviceClients() {}

	/** The client's {@code Device/id}, or null for a client that is not a device's. */
	static String deviceOf(RegisteredClient client) {
		Object device = client.getClientSettings().getSetting(DEVICE_SETTING);
		return device instanceof String text && !text.isBlank() ? text : null;
	}

	/** A device's scopes: resource scopes cut to the device role's ceiling, nothing else. */
	static List<String> scopesFor(Set<String> authorized) {
		List<SmartScope> scopes = authorized.stream().flatMap(s -> SmartScope.parse(s).stream()).toList();
		return Role.DEVICE.limit(scopes).stream().map(SmartScope::toString).sorted().toList();
	}
}
