package org.consentfhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.consentfhir.ConsentFhirServer;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.PostgresDatabase;
import org.consentfhir.testsupport.TestIssuer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Nothing lost: the server runs as its own process on PostgreSQL, answers reads, and is killed with
 * SIGKILL right after the last answer; started again on the same database, it has an AuditEvent
 * for every read it answered.
 */
@Tag("postgres")
@EnabledIf("org.consentfhir.testsupport.PostgresDatabase#available")
class AuditDurabilityTest {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final int READS = 25;

	@Test
	void everyAnsweredReadIsOnTheRecordAfterAKill9() throws Exception {
		String database = PostgresDatabase.newDatabase();
		Path dataDir = EndToEndTest.newDataDir("kill9");
		int port = freePort();
		Process server = start(database, dataDir, port);
		String patient;
		try {
			awaitReady(port, server);
			String base = "http://localhost:" + port + "/fhir";
			patient = EndToEndTest.systemClient(base).create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
			String token = TestIssuer.get().token(base, "user/*.rs", c -> c.claim("fhirUser", "Practitioner/kill9"));
			for (int i = 0; i < READS; i++) {
				HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/Patient/" + patient))
						.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
				assertThat(read.statusCode()).isEqualTo(200);
			}
		} finally {
			server.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
			server.waitFor(30, TimeUnit.SECONDS);
		}

		try (ConfigurableApplicationContext restarted = new SpringApplicationBuilder(ConsentFhirServer.class).run(args(database, dataDir, 0))) {
			int restartedPort = ((WebServerApplicationContext) restarted).getWebServer().getPort();
			IGenericClient client = EndToEndTest.systemClient("http://localhost:" + restartedPort + "/fhir");
			Bundle reads = client.search().byUrl("AuditEvent?patient=Patient/" + patient + "&subtype=read&_count=200")
					.returnBundle(Bundle.class).execute();
			long byKill9Reader = reads.getEntry().stream()
					.map(e -> (org.hl7.fhir.r4.model.AuditEvent) e.getResource())
					.filter(e -> e.getAgent().stream().anyMatch(a -> "Practitioner/kill9".equals(a.getWho().getIdentifier().getValue())))
					.count();
			assertThat(byKill9Reader).isEqualTo(READS);
		}
	}

	private static Process start(String database, Path dataDir, int port) throws Exception {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m", "-XX:+UseSerialGC",
				"-cp", System.getProperty("java.class.path"), ConsentFhirServer.class.getName()));
		command.addAll(List.of(args(database, dataDir, port)));
		File log = dataDir.resolve("server.log").toFile();
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
	}

	private static String[] args(String database, Path dataDir, int port) {
		List<String> args = new ArrayList<>(List.of(
				"--server.port=" + port,
				"--fhir.storage.data-dir=" + dataDir,
				"--spring.datasource.url=" + database,
				"--spring.datasource.username=" + PostgresDatabase.user(),
				"--spring.datasource.password=" + PostgresDatabase.password()));
		args.addAll(List.of(EndToEndTest.trustTestIssuerArgs()));
		return args.toArray(String[]::new);
	}

	private static void awaitReady(int port, Process server) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
		while (System.nanoTime() < deadline) {
			if (!server.isAlive()) {
				throw new AssertionError("the server process exited during start-up");
			}
			try {
				HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
						URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
				if (health.statusCode() == 200) {
					return;
				}
			} catch (java.io.IOException notYet) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new AssertionError("the server process was not ready within 180 s");
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
