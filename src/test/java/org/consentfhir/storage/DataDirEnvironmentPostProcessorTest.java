package org.consentfhir.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class DataDirEnvironmentPostProcessorTest {

	@Test
	void makesARelativeDataDirAbsoluteSoTheH2UrlIsAccepted() {
		MockEnvironment environment = new MockEnvironment()
				.withProperty("fhir.storage.data-dir", "data")
				.withProperty("spring.datasource.url", "jdbc:h2:file:${fhir.storage.data-dir}/h2/fhir");

		new DataDirEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

		String expected = Path.of("data").toAbsolutePath().toString();
		assertThat(environment.getProperty("fhir.storage.data-dir")).isEqualTo(expected);
		assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:h2:file:" + expected + "/h2/fhir");
	}
}
