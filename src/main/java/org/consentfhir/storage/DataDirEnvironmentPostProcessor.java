package org.consentfhir.storage;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code fhir.storage.data-dir} absolute before anything reads it. The embedded database URL
 * is built from it, and H2 refuses a file path that is only implicitly relative ({@code data/h2}),
 * so {@code FHIR_STORAGE_DATA_DIR=data} would otherwise fail at start.
 */
public class DataDirEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY = "fhir.storage.data-dir";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String dataDir = environment.getProperty(PROPERTY);
		if (dataDir == null || dataDir.isBlank()) {
			return;
		}
		String absolute = Path.of(dataDir).toAbsolutePath().normalize().toString();
		if (!absolute.equals(dataDir)) {
			environment.getPropertySources().addFirst(new MapPropertySource("absoluteDataDir", Map.of(PROPERTY, absolute)));
		}
	}
}
