package org.consentfhir.auth.server;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.consentfhir.interceptors.auth.AccessToken;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /admin/devices/{id}/client} (admin token with {@code client.create}): gives a
 * registered {@code Device} its own OAuth client for the client-credentials grant, scope
 * {@code system/Observation.c}. With {@code {"jwks_uri": …}} the device signs its own assertions
 * ({@code private_key_jwt}, SMART Backend Services); without, a secret is generated, answered once
 * and stored as an Argon2id hash. Calling it again replaces the device's credentials. The device's
 * tokens carry role {@code device} and {@code fhirUser Device/id}; what it may write is decided per
 * request from the Device resource (status, assigned patients), so setting the Device's status to
 * {@code inactive} revokes it at once.
 */
@RestController
@ConditionalOnProperty(prefix = "fhir.auth.builtin-server", name = "enabled", havingValue = "true", matchIfMissing = true)
@RequestMapping(path = "/admin/devices", produces = MediaType.APPLICATION_JSON_VALUE)
class DeviceClientsController {

	static final String DEVICE_SCOPE = "system/Observation.c";
	private static final Logger log = LoggerFactory.getLogger(DeviceClientsController.class);
	private static final Pattern ID = Pattern.compile("^[A-Za-z0-9\\-.]{1,64}$");

	private final RegisteredClientRepository clients;
	private final PasswordEncoder encoder;
	private final AdminTokens tokens;
	private final DaoRegistry daos;
	private final TokenSettings tokenSettings;
	private final AdminAudit audit;

	DeviceClientsController(RegisteredClientRepository clients, PasswordEncoder encoder, AdminTokens tokens, DaoRegistry daos,
			org.consentfhir.auth.AuthProperties auth, AdminAudit audit) {
		this.audit = audit;
		this.clients = clients;
		this.encoder = encoder;
		this.tokens = tokens;
		this.daos = daos;
		this.tokenSettings = TokenSettings.builder().accessTokenTimeToLive(auth.builtinServer().accessTokenTtl()).build();
	}

	record Credentials(String jwks_uri, String token_endpoint_auth_signing_alg) {}

	@PostMapping(path = "/{id}/client")
	ResponseEntity<Map<String, Object>> register(HttpServletRequest request, @PathVariable("id") String id,
			@RequestBody(required = false) Credentials credentials) {
		AccessToken admin = tokens.require(request, "client.create");
		if (!ID.matcher(id).matches()) {
			throw new Problem(HttpStatus.BAD_REQUEST, "not a Device id: " + id);
		}
		Device device = existingDevice(id);
		if (device.getStatus() != Device.FHIRDeviceStatus.ACTIVE) {
			throw new Problem(HttpStatus.CONFLICT, "Device/" + id + " is not active");
		}
		String clientId = "device-" + id;
		RegisteredClient existing = clients.findByClientId(clientId);
		RegisteredClient.Builder client = RegisteredClient.withId(existing == null ? UUID.randomUUID().toString() : existing.getId())
				.clientId(clientId)
				.clientName("Device/" + id)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scope(DEVICE_SCOPE)
				.tokenSettings(tokenSettings);
		ClientSettings.Builder settings = ClientSettings.builder().setting(DeviceClients.DEVICE_SETTING, "Device/" + id);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("client_id", clientId);
		answer.put("device", "Device/" + id);
		answer.put("scope", DEVICE_SCOPE);
		if (credentials != null && credentials.jwks_uri() != null && !credentials.jwks_uri().isBlank()) {
			client.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
			settings.jwkSetUrl(credentials.jwks_uri())
					.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.from(
							credentials.token_endpoint_auth_signing_alg() == null ? "RS384" : credentials.token_endpoint_auth_signing_alg()));
			answer.put("token_endpoint_auth_method", "private_key_jwt");
		} else {
			String secret = randomSecret();
			client.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC).clientSecret(encoder.encode(secret));
			answer.put("token_endpoint_auth_method", "client_secret_basic");
			answer.put("client_secret", secret);
		}
		clients.save(client.clientSettings(settings.build()).build());
		log.info("OAuth client {} registered for Device/{} by {}", clientId, id, admin.describe());
		audit.clientChanged(admin, AuditEvent.AuditEventAction.C, clientId, "client registered for Device/" + id);
		return ResponseEntity.status(HttpStatus.CREATED).body(answer);
	}

	private Device existingDevice(String id) {
		try {
			return daos.getResourceDao(Device.class).read(new IdType("Device", id), new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			throw new Problem(HttpStatus.NOT_FOUND, "no Device/" + id + " on this server");
		}
	}

	private static String randomSecret() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}
}
