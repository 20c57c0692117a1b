package org.consentfhir.auth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.consentfhir.auth.AuthProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.oidc.OidcClientRegistration;
import org.springframework.security.oauth2.server.authorization.oidc.converter.OidcClientRegistrationRegisteredClientConverter;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Registers the clients the server starts with: the bootstrap admin client (id and secret from
 * {@code FHIR_AUTH_BUILTIN_SERVER_ADMIN_CLIENT_ID} / {@code _SECRET}, or generated at first start,
 * written to {@code <data-dir>/auth/admin-client.properties}, an owner-only file, and never to the
 * log, which is often shipped and kept where more people read it) and the clients of the clients
 * file. Secrets are stored only as Argon2id hashes.
 *
 * <p>The admin client manages clients ({@code client.create}, {@code client.read}) and users
 * ({@code users.manage}) and the non-clinical directory; it reads no clinical data.
 */
public final class ClientBootstrap {

	public static final String ADMIN_SCOPES = "client.create client.read users.manage system/Practitioner.cruds "
			+ "system/PractitionerRole.cruds system/Organization.cruds system/Location.cruds system/Device.cruds system/ObservationDefinition.cruds";

	private static final Logger log = LoggerFactory.getLogger(ClientBootstrap.class);
	private static final ObjectMapper JSON = new ObjectMapper();
	private static final OidcClientRegistrationRegisteredClientConverter REGISTRATIONS =
			new OidcClientRegistrationRegisteredClientConverter();

	private final RegisteredClientRepository clients;
	private final PasswordEncoder encoder;
	private final AuthProperties.BuiltinServer settings;

	ClientBootstrap(RegisteredClientRepository clients, PasswordEncoder encoder, AuthProperties auth, Path authDir,
			ResourceLoader resources) {
		this.clients = clients;
		this.encoder = encoder;
		this.settings = auth.builtinServer();
		registerAdminClient(authDir);
		if (settings.clientsFile() != null && !settings.clientsFile().isBlank()) {
			registerClientsFile(resources.getResource(settings.clientsFile()));
		}
	}

	private void registerAdminClient(Path authDir) {
		Path file = authDir.resolve("admin-client.properties");
		String id = settings.adminClientId();
		String secret = settings.adminClientSecret();
		boolean generated = false;
		if (isBlank(id) || isBlank(secret)) {
			if (Files.exists(file)) {
				return; // generated at an earlier start; the file still holds it
			}
			id = isBlank(id) ? "admin-" + UUID.randomUUID().toString().substring(0, 8) : id;
			secret = randomSecret();
			generated = true;
		}
		RegisteredClient existing = clients.findByClientId(id);
		if (existing != null && !generated && encoder.matches(secret, existing.getClientSecret())) {
			return;
		}
		clients.save(builder(existing == null ? UUID.randomUUID().toString() : existing.getId(), id)
				.clientName("Administrator")
				.clientSecret(encoder.encode(secret))
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scopes(s -> s.addAll(List.of(ADMIN_SCOPES.split(" "))))
				.build());
		if (generated) {
			writeOwnerOnly(file, "client_id=" + id + "\nclient_secret=" + secret + "\n");
			log.warn("Generated the admin client of the built-in authorization server: client_id={}; its secret is in {}",
					id, file);
		}
	}

	private void registerClientsFile(Resource resource) {
		try (InputStream in = resource.getInputStream()) {
			for (JsonNode client : JSON.readTree(in)) {
				clients.save(fromJson(client));
			}
			log.info("Registered the clients of {}", resource);
		} catch (IOException | RuntimeException e) {
			throw new IllegalStateException("Cannot register the clients of " + resource + ": " + e.getMessage(), e);
		}
	}

	private RegisteredClient fromJson(JsonNode json) {
		String clientId = required(json, "client_id");
		RegisteredClient existing = clients.findByClientId(clientId);
		RegisteredClient.Builder client = builder(existing == null ? UUID.randomUUID().toString() : existing.getId(), clientId)
				.clientName(json.path("client_name").asText(clientId));
		String method = json.path("token_endpoint_auth_method").asText("client_secret_basic");
		client.clientAuthenticationMethod(new ClientAuthenticationMethod(method));
		ClientSettings.Builder clientSettings = ClientSettings.builder()
				.requireProofKey(!json.has("client_secret"))
				.requireAuthorizationConsent(json.path("require_consent").asBoolean(true));
		if (json.has("client_secret")) {
			client.clientSecret(encoder.encode(json.get("client_secret").asText()));
		}
		if (json.has("jwks_uri")) {
			clientSettings.jwkSetUrl(json.get("jwks_uri").asText());
			clientSettings.tokenEndpointAuthenticationSigningAlgorithm(
					SignatureAlgorithm.from(json.path("token_endpoint_auth_signing_alg").asText("RS384")));
		}
		json.path("grant_types").forEach(g -> client.authorizationGrantType(new AuthorizationGrantType(g.asText())));
		json.path("redirect_uris").forEach(u -> client.redirectUri(u.asText()));
		List<String> scopes = new ArrayList<>(List.of(required(json, "scope").trim().split("\\s+")));
		client.scopes(s -> s.addAll(scopes));
		return client.clientSettings(clientSettings.build()).build();
	}

	/**
	 * A client registered at {@code /connect/register}, as Spring Authorization Server reads the
	 * request, with this server's token settings (lifetimes, refresh-token rotation) instead of the
	 * library's defaults. A public client ({@code token_endpoint_auth_method: none}, a browser or
	 * mobile app that cannot keep a secret) is registered as one: no secret, PKCE required. The
	 * library's converter knows no {@code none} and would make it a {@code client_secret_basic}
	 * client with a secret that the app can only leak.
	 */
	RegisteredClient fromRegistration(OidcClientRegistration registration) {
		RegisteredClient.Builder registered = RegisteredClient.from(REGISTRATIONS.convert(registration)).tokenSettings(tokenSettings());
		if (ClientAuthenticationMethod.NONE.getValue().equals(registration.getTokenEndpointAuthenticationMethod())) {
			registered.clientSecret(null)
					.clientSecretExpiresAt(null)
					.clientAuthenticationMethods(methods -> {
						methods.clear();
						methods.add(ClientAuthenticationMethod.NONE);
					})
					.clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(true).build());
		}
		return registered.build();
	}

	private TokenSettings tokenSettings() {
		return TokenSettings.builder()
				.accessTokenTimeToLive(settings.accessTokenTtl())
				.refreshTokenTimeToLive(settings.refreshTokenTtl())
				.reuseRefreshTokens(false)
				.build();
	}

	private RegisteredClient.Builder builder(String id, String clientId) {
		return RegisteredClient.withId(id).clientId(clientId).tokenSettings(tokenSettings());
	}

	private static String required(JsonNode json, String field) {
		if (!json.hasNonNull(field) || json.get(field).asText().isBlank()) {
			throw new IllegalArgumentException("a client without " + field);
		}
		return json.get(field).asText();
	}

	private static String randomSecret() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static void writeOwnerOnly(Path file, String content) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, "", StandardCharsets.UTF_8);
			SigningKeys.restrictToOwner(file);
			Files.writeString(file, content, StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new IllegalStateException("Cannot write " + file, e);
		}
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}
}
