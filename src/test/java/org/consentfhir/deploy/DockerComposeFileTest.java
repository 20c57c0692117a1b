package org.consentfhir.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where this project is built, so the compose file is checked here: it parses,
 * runs PostgreSQL 16, and points the server at it through the standard datasource variables.
 */
class DockerComposeFileTest {

	@Test
	@SuppressWarnings("unchecked")
	void runsTheServerAgainstPostgres16() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
		Map<String, Object> services = (Map<String, Object>) compose.get("services");
		Map<String, Object> postgres = (Map<String, Object>) services.get("postgres");
		Map<String, Object> fhir = (Map<String, Object>) services.get("fhir");

		assertThat(postgres.get("image")).isEqualTo("postgres:16");
		Map<String, Object> environment = (Map<String, Object>) fhir.get("environment");
		assertThat((String) environment.get("SPRING_DATASOURCE_URL")).startsWith("jdbc:postgresql://postgres:5432/");
		assertThat(environment).containsKeys("SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD");
		assertThat(fhir.get("build")).isEqualTo(".");
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		assertThat(dockerfile).contains("target/consent-fhir-server-");
		// the image starts the fast-start layout it writes with its own JDK, as the README's command does
		assertThat(dockerfile).contains("src/build/fast-start-layout.sh", "-XX:SharedArchiveFile=/opt/fhir/server/server.jsa");
	}
}
