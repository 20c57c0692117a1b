package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.OAuth;
import org.consentfhir.testsupport.OAuth.Reply;
import org.consentfhir.testsupport.TestIssuer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SMART discovery, dynamic client registration by an admin, and SMART Backend Services:
 * client_credentials with a private_key_jwt assertion, never the same assertion twice.
 */
class BackendServicesTest extends EndToEndTest {

	private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	private OAuth oauth;

	@BeforeEach
	void connect() {
		oauth = new OAuth(url(""));
	}

	@Test
	void publishesTheSmartConfiguration() {
		JsonNode config = oauth.json("GET", "/fhir/.well-known/smart-configuration", null, null).json();

		assertThat(config.path("token_endpoint").asText()).isEqualTo(url("/oauth2/token"));
		assertThat(config.path("authorization_endpoint").asText()).isEqualTo(url("/oauth2/authorize"));
		assertThat(config.path("registration_endpoint").asText()).isEqualTo(url("/connect/register"));
		assertThat(config.path("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
		assertThat(config.path("capabilities").toString()).contains("launch-standalone", "client-confidential-asymmetric",
				"permission-v2", "sso-openid-connect", "context-standalone-patient", "permission-offline");
		assertThat(config.path("grant_types_supported").toString()).contains("client_credentials", "authorization_code");
	}

	@Test
	void theCapabilityStatementCarriesTheSmartSecurityExtension() {
		String metadata = sendWithoutToken("GET", "/fhir/metadata", null, null).body();

		assertThat(metadata).contains("SMART-on-FHIR").contains("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")
				.contains(url("/oauth2/token"));
	}

	@Test
	void aRegisteredBackendServiceGetsATokenWithASignedAssertionOnlyOnce() throws Exception {
		String clientId = register();
		String assertion = assertion(clientId, UUID.randomUUID().toString());

		Reply first = clientCredentials(assertion);
		Reply replay = clientCredentials(assertion);

		assertThat(first.status()).as(first.body()).isEqualTo(200);
		assertThat(first.json().path("expires_in").asLong()).as("this server's 15 minutes, not the library's 5").isGreaterThan(600);
		assertThat(getWithToken("/fhir/Patient?_count=1", first.text("access_token")).statusCode()).isEqualTo(200);
		assertThat(getWithToken("/fhir/Observation?_count=1", first.text("access_token")).statusCode()).isEqualTo(403);
		assertThat(replay.status()).isEqualTo(401);
		assertThat(replay.text("error")).isEqualTo("invalid_client");
	}

	@Test
	void refusesAnAssertionSignedWithAnotherKey() {
		String clientId = register();
		JWTClaimsSet claims = assertionClaims(clientId, UUID.randomUUID().toString());

		Reply reply = clientCredentials(TestIssuer.sign(JWSAlgorithm.RS384, TestIssuer.unpublishedRsaKey(), claims));

		assertThat(reply.status()).isEqualTo(401);
	}

	@Test
	void onlyAnAdminTokenMayRegisterClients() {
		Reply anonymous = oauth.json("POST", "/connect/register", null, registration());
		String userToken = oauth.password(unique("u"), "whatever", "user/*.rs").text("access_token");

		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(oauth.json("POST", "/connect/register", userToken, registration()).status()).isEqualTo(401);
	}

	@Test
	void theTokenEndpointAnswersMalformedRequestsWithoutA500() {
		String clientId = register();
		String[][] requests = {
			{},
			{"grant_type", "client_credentials"},
			{"grant_type", "nonsense", "client_id", "x"},
			{"grant_type", "client_credentials", "client_assertion_type", ASSERTION_TYPE, "client_assertion", "not-a-jwt"},
			{"grant_type", "client_credentials", "client_assertion_type", ASSERTION_TYPE},
			{"grant_type", "client_credentials", "client_assertion_type", "urn:example:unknown", "client_assertion", "x"},
			{"grant_type", "client_credentials", "client_assertion_type", ASSERTION_TYPE, "client_assertion",
				TestIssuer.sign(JWSAlgorithm.RS384, issuer().publishedKey(JWSAlgorithm.RS384), new JWTClaimsSet.Builder().build())},
			{"grant_type", "client_credentials", "client_assertion_type", ASSERTION_TYPE, "client_assertion", assertion("no-such-client", "j1")},
			{"grant_type", "client_credentials", "scope", "system/*.cruds", "client_assertion_type", ASSERTION_TYPE,
				"client_assertion", assertion(clientId, UUID.randomUUID().toString())},
			{"grant_type", "authorization_code", "code", "forged", "client_id", "smart-app", "code_verifier", "x", "redirect_uri", "http://127.0.0.1:9/callback"},
			{"grant_type", "refresh_token", "refresh_token", "forged", "client_id", "smart-app"},
			{"grant_type", "password", "username", "nobody", "password", "x", "client_id", "smart-app"},
		};
		for (String[] form : requests) {
			Reply reply = oauth.token(null, null, form);
			assertThat(reply.status()).as(String.join(" ", form) + " -> " + reply.body()).isBetween(400, 499);
		}
		assertThat(oauth.token(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "grant_type", "password", "username", "x", "password", "y").status())
				.as("password grant for a client not registered for it").isBetween(400, 499);
	}

	private String register() {
		String adminToken = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.create").text("access_token");
		Reply reply = oauth.json("POST", "/connect/register", adminToken, registration());
		assertThat(reply.status()).as(reply.body()).isEqualTo(201);
		return reply.text("client_id");
	}

	private static String registration() {
		return "{\"client_name\":\"Nightly export\",\"grant_types\":[\"client_credentials\"],"
				+ "\"token_endpoint_auth_method\":\"private_key_jwt\",\"token_endpoint_auth_signing_alg\":\"RS384\","
				+ "\"jwks_uri\":\"" + TestIssuer.get().jwksUri() + "\",\"scope\":\"system/Patient.rs\","
				+ "\"redirect_uris\":[\"https://backend.example.org/unused\"]}";
	}

	private Reply clientCredentials(String assertion) {
		return oauth.token(null, null, "grant_type", "client_credentials", "scope", "system/Patient.rs",
				"client_assertion_type", ASSERTION_TYPE, "client_assertion", assertion);
	}

	private String assertion(String clientId, String jti) {
		return TestIssuer.sign(JWSAlgorithm.RS384, issuer().publishedKey(JWSAlgorithm.RS384), assertionClaims(clientId, jti));
	}

	private JWTClaimsSet assertionClaims(String clientId, String jti) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder()
				.issuer(clientId)
				.subject(clientId)
				.audience(url("/oauth2/token"))
				.jwtID(jti)
				.issueTime(Date.from(now))
				.expirationTime(Date.from(now.plusSeconds(240)))
				.build();
	}
}
