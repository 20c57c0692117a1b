package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.consentfhir.ConsentFhirServer;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.OAuth;
import org.consentfhir.testsupport.PostgresDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two server nodes (two application contexts, one issuer name and signing key, as behind a load
 * balancer) on one PostgreSQL database: a token revoked, or a user disabled, through one node is
 * refused by the very next request on the other, although the other had verified the token before.
 */
@Tag("postgres")
@EnabledIf("org.consentfhir.testsupport.PostgresDatabase#available")
class RevocationAcrossNodesTest {

	private static final String PUBLIC_BASE = "http://fhir.test/fhir";
	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static ConfigurableApplicationContext nodeA;
	private static ConfigurableApplicationContext nodeB;
	private static OAuth oauthA;

	@BeforeAll
	static void twoNodesOnOneDatabase() {
		String database = PostgresDatabase.newDatabase();
		Path sharedDataDir = EndToEndTest.newDataDir("nodes"); // the signing keys both nodes sign and verify with
		nodeA = start(database, sharedDataDir);
		nodeB = start(database, sharedDataDir);
		oauthA = new OAuth(origin(nodeA));
	}

	@AfterAll
	static void stop() {
		nodeB.close();
		nodeA.close();
	}

	@Test
	void aTokenRevokedThroughOneNodeIsRefusedByTheOther() throws Exception {
		String token = doctorToken("revoke");
		assertThat(read(nodeB, token)).isEqualTo(200);

		assertThat(oauthA.revoke("script-client", "Script-Secret-2026", token).status()).isEqualTo(200);

		assertThat(read(nodeB, token)).isEqualTo(401);
	}

	@Test
	void aUserDisabledThroughOneNodeIsRefusedByTheOther() throws Exception {
		String username = "nodes-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		String password = oauthA.createUser(username, "doctor", "Practitioner/nodes");
		String token = oauthA.password(username, password, "user/*.rs").text("access_token");
		assertThat(read(nodeB, token)).isEqualTo(200);

		assertThat(oauthA.json("POST", "/admin/users/" + username + "/disable", oauthA.adminToken(), null).status()).isEqualTo(200);

		assertThat(read(nodeB, token)).isEqualTo(401);
	}

	private static String doctorToken(String name) {
		String username = name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		String password = oauthA.createUser(username, "doctor", "Practitioner/nodes");
		return oauthA.password(username, password, "user/*.rs").text("access_token");
	}

	private static int read(ConfigurableApplicationContext node, String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(origin(node) + "/fhir/Practitioner?_count=1"))
				.header("Authorization", "Bearer " + token).GET().build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
	}

	private static ConfigurableApplicationContext start(String database, Path dataDir) {
		List<String> args = new ArrayList<>(List.of(
				"--server.port=0",
				"--fhir.storage.data-dir=" + dataDir,
				"--fhir.storage.fulltext-enabled=false", // a Lucene index belongs to one node
				"--fhir.server.public-base-url=" + PUBLIC_BASE,
				"--fhir.auth.builtin-server.issuer=http://fhir.test",
				"--spring.datasource.url=" + database,
				"--spring.datasource.username=" + PostgresDatabase.user(),
				"--spring.datasource.password=" + PostgresDatabase.password()));
		args.addAll(List.of(EndToEndTest.trustTestIssuerArgs()));
		return new SpringApplicationBuilder(ConsentFhirServer.class).run(args.toArray(String[]::new));
	}

	private static String origin(ConfigurableApplicationContext node) {
		return "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort();
	}
}
