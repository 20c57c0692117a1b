package org.consentfhir.testsupport;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.consentfhir.ConsentFhirServer;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the end-to-end tests: the whole application on a random port, on a fresh H2 file
 * database, reached over real HTTP with HAPI's FHIR client and a plain HTTP client. Every subclass
 * shares one Spring context (same configuration), so tests isolate their data by unique values
 * ({@link #unique(String)}) rather than by wiping the database.
 */
@SpringBootTest(classes = ConsentFhirServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class EndToEndTest {

	protected static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final Path DATA_DIR = newDataDir("e2e");
	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	protected int port;

	protected IGenericClient client;

	@DynamicPropertySource
	static void embeddedDatabase(DynamicPropertyRegistry registry) {
		registry.add("fhir.storage.data-dir", DATA_DIR::toString);
		registry.add("fhir.server.max-request-size", () -> "1MB");
	}

	static {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
	}

	@BeforeEach
	void connectClient() {
		client = FHIR.newRestfulGenericClient(baseUrl());
	}

	protected String baseUrl() {
		return "http://localhost:" + port + "/fhir";
	}

	protected String url(String path) {
		return "http://localhost:" + port + path;
	}

	/** A value no other test (or earlier run) uses, so searches see only this test's data. */
	protected static String unique(String prefix) {
		return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	public static Path newDataDir(String name) {
		try {
			Files.createDirectories(Path.of("target"));
			return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "data-" + name + "-");
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	protected HttpResponse<String> send(String method, String path, String contentType, String body) {
		return send(method, path, contentType, HttpRequest.BodyPublishers.ofString(body == null ? "" : body), null);
	}

	protected HttpResponse<String> send(
			String method, String path, String contentType, HttpRequest.BodyPublisher body, String[] headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).method(method, body);
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (headers != null) {
			request.headers(headers);
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		} catch (IOException | InterruptedException e) {
			throw new IllegalStateException(method + " " + path + " failed", e);
		}
	}

	protected HttpResponse<String> get(String path, String... headers) {
		return send("GET", path, null, HttpRequest.BodyPublishers.noBody(), headers.length == 0 ? null : headers);
	}
}
