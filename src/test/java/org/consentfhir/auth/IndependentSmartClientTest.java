package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * An independent SMART client library, the npm package fhir-kit-client on Node, discovers this
 * server's SMART configuration, gets a token with client_credentials and reads a Patient
 * (src/test/node/smart-client-check). Needs Node 20 and {@code npm ci} in that folder, which
 * {@code .ci/run} does; there FHIR_TEST_NODE_REQUIRED=true turns a missing Node into a failure.
 */
@EnabledIf("nodeClientAvailable")
class IndependentSmartClientTest extends EndToEndTest {

	private static final Path CHECK = Path.of("src/test/node/smart-client-check");

	static boolean nodeClientAvailable() {
		boolean available = Files.isDirectory(CHECK.resolve("node_modules/fhir-kit-client"));
		if (!available && "true".equals(System.getenv("FHIR_TEST_NODE_REQUIRED"))) {
			throw new IllegalStateException("FHIR_TEST_NODE_REQUIRED=true but " + CHECK + "/node_modules is missing: run npm ci there");
		}
		return available;
	}

	@Test
	void fhirKitClientDiscoversGetsAClientCredentialsTokenAndReadsAPatient() throws Exception {
		String id = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

		Process node = new ProcessBuilder("node", "check.mjs", baseUrl(), "script-client", "Script-Secret-2026", "system/*.rs", "Patient/" + id)
				.directory(CHECK.toFile())
				.redirectErrorStream(true)
				.start();
		String output = read(node);

		assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(node.exitValue()).as(output).isZero();
		assertThat(output).contains("\"tokenUrl\":\"" + url("/oauth2/token") + "\"").contains("\"resourceType\":\"Patient\"")
				.contains("\"id\":\"" + id + "\"");
	}

	private static String read(Process process) throws IOException {
		return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
	}
}
