package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.consentfhir.ConsentFhirServer;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.TestIssuer;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With the built-in authorization server off, the server trusts only the configured issuer: its
 * tokens work as they do with the built-in server on, and no authorization server answers.
 */
class ExternalIdentityProviderTest {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static ConfigurableApplicationContext app;
	private static Path dataDir;
	private static String origin;

	@BeforeAll
	static void startWithTheBuiltinServerOff() {
		dataDir = EndToEndTest.newDataDir("external-idp");
		app = new SpringApplicationBuilder(ConsentFhirServer.class).run(
				"--server.port=0",
				"--fhir.storage.data-dir=" + dataDir,
				"--fhir.auth.builtin-server.enabled=false",
				"--fhir.auth.trusted-issuers[0].issuer=" + TestIssuer.ISSUER,
				"--fhir.auth.trusted-issuers[0].jwks-uri=" + TestIssuer.get().jwksUri(),
				"--fhir.auth.trusted-issuers[0].client-id-claim=azp");
		origin = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@Test
	void acceptsTheExternalIssuersTokensAndMapsItsClaims() throws Exception {
		String base = origin + "/fhir";
		String id = EndToEndTest.systemClient(base).create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		String patientToken = TestIssuer.get().token(base, "launch/patient patient/*.rs", c -> c.claim("patient", id).claim("fhirUser", "Patient/" + id).claim("azp", "keycloak-app"));

		assertThat(get("/fhir/Patient/" + id, patientToken).statusCode()).isEqualTo(200);
		assertThat(get("/fhir/Patient?_count=1", patientToken).body()).contains(id);
		assertThat(get("/fhir/Patient/" + id, null).statusCode()).isEqualTo(401);
	}

	@Test
	void servesNoAuthorizationServer() throws Exception {
		assertThat(get("/oauth2/token", null).statusCode()).isIn(401, 403, 404);
		assertThat(get("/fhir/.well-known/smart-configuration", null).statusCode()).isEqualTo(404);
		assertThat(get("/.well-known/openid-configuration", null).statusCode()).isIn(401, 403, 404);
		assertThat(Files.exists(dataDir.resolve("auth/admin-client.properties"))).isFalse();
		assertThat(Files.exists(dataDir.resolve("auth/signing-keys.json"))).isFalse();
	}

	private static HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
