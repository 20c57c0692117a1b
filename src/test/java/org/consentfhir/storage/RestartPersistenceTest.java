package org.consentfhir.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.consentfhir.ConsentFhirServer;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The embedded default keeps its data in files: what was written is there after a restart. */
class RestartPersistenceTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void keepsResourcesAcrossARestartOnTheFileDatabase() {
		Path dataDir = EndToEndTest.newDataDir("restart");
		String id;
		try (ConfigurableApplicationContext first = start(dataDir)) {
			Patient patient = new Patient();
			patient.addName().setFamily("Persistent");
			id = client(first).create().resource(patient).execute().getId().getIdPart();
		}
		assertThat(Files.exists(dataDir.resolve("h2/fhir.mv.db"))).isTrue();

		try (ConfigurableApplicationContext second = start(dataDir)) {
			Patient read = client(second).read().resource(Patient.class).withId(id).execute();
			assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Persistent");
		}
	}

	private static ConfigurableApplicationContext start(Path dataDir) {
		return new SpringApplicationBuilder(ConsentFhirServer.class)
				.run(args(dataDir));
	}

	private static String[] args(Path dataDir) {
		return Stream.concat(
						Stream.of("--server.port=0", "--fhir.storage.data-dir=" + dataDir),
						Stream.of(EndToEndTest.trustTestIssuerArgs()))
				.toArray(String[]::new);
	}

	private static IGenericClient client(ConfigurableApplicationContext context) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		return EndToEndTest.systemClient("http://localhost:" + port + "/fhir");
	}
}
