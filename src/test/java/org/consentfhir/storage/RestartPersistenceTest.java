package org.consentfhir.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.consentfhir.ConsentFhirServer;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.OAuth;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default keeps its data in files: what was written is there after a restart, and so
 * are the authorization server's signing keys (a token issued before the restart still works) and
 * its generated admin client (generated once, its secret kept owner-only in the data directory).
 */
class RestartPersistenceTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void keepsResourcesAcrossARestartOnTheFileDatabase() throws Exception {
		Path dataDir = EndToEndTest.newDataDir("restart");
		String id;
		String adminToken;
		Properties admin = new Properties();
		try (ConfigurableApplicationContext first = start(dataDir)) {
			Patient patient = new Patient();
			patient.addName().setFamily("Persistent");
			id = client(first).create().resource(patient).execute().getId().getIdPart();
			try (var in = Files.newInputStream(dataDir.resolve("auth/admin-client.properties"))) {
				admin.load(in);
			}
			adminToken = adminToken(first, admin);
			assertThat(adminToken).isNotNull();
		}
		assertThat(Files.exists(dataDir.resolve("h2/fhir.mv.db"))).isTrue();
		String adminFile = Files.readString(dataDir.resolve("auth/admin-client.properties"));

		try (ConfigurableApplicationContext second = start(dataDir)) {
			Patient read = client(second).read().resource(Patient.class).withId(id).execute();
			assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Persistent");
			assertThat(Files.readString(dataDir.resolve("auth/admin-client.properties"))).isEqualTo(adminFile);
			assertThat(adminToken(second, admin)).isNotNull();
			OAuth.Reply users = new OAuth(origin(second)).json("GET", "/admin/users", adminToken, null);
			assertThat(users.status()).as("a token signed before the restart").isEqualTo(200);

			// full text is off by default: no write waits for a Lucene index, and a full-text search is a clear 400
			assertThatThrownBy(() -> client(second).search().byUrl("Patient?_content=Persistent").execute())
					.isInstanceOf(InvalidRequestException.class);
			assertThat(dataDir.resolve("lucene")).doesNotExist();
		}
	}

	private static ConfigurableApplicationContext start(Path dataDir) {
		return new SpringApplicationBuilder(ConsentFhirServer.class)
				.run(args(dataDir));
	}

	private static String[] args(Path dataDir) {
		return Stream.concat(
						// a fixed issuer and base URL: the two starts listen on different ports
						Stream.of("--server.port=0", "--fhir.storage.data-dir=" + dataDir,
								"--fhir.auth.builtin-server.issuer=https://fhir.hospital.test",
								"--fhir.server.public-base-url=https://fhir.hospital.test/fhir"),
						Stream.of(EndToEndTest.trustTestIssuerArgs()).filter(a -> !a.contains("admin-client")))
				.toArray(String[]::new);
	}

	private static String adminToken(ConfigurableApplicationContext app, Properties admin) {
		return new OAuth(origin(app))
				.clientCredentials(admin.getProperty("client_id"), admin.getProperty("client_secret"), "users.manage")
				.text("access_token");
	}

	private static String origin(ConfigurableApplicationContext app) {
		return "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
	}

	private static IGenericClient client(ConfigurableApplicationContext context) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		return EndToEndTest.systemClient("http://localhost:" + port + "/fhir", "https://fhir.hospital.test/fhir");
	}
}
