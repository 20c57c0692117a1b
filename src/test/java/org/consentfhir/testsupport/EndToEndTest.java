package org.consentfhir.testsupport;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.consentfhir.ConsentFhirServer;
import org.hl7.fhir.r4.model.Bundle;
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
 *
 * <p>The server trusts {@link TestIssuer}; the client and {@link #send} carry a {@code system/*.cruds}
 * token from it unless a test sends its own {@code Authorization} header or none ({@link #sendWithoutToken}).
 */
@SpringBootTest(classes = ConsentFhirServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class EndToEndTest {

	protected static final FhirContext FHIR = FhirContext.forR4Cached();
	public static final String ADMIN_CLIENT_ID = "test-admin";
	public static final String ADMIN_CLIENT_SECRET = "Test-Admin-Secret-2026";
	/** The one origin the test server answers CORS for. */
	public static final String BROWSER_APP_ORIGIN = "https://app.example.org";
	private static final Path DATA_DIR = newDataDir("e2e");
	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	protected int port;

	protected IGenericClient client;

	/** A token that may do everything; what most tests of FHIR behaviour (not of authorization) use. */
	protected String systemToken;

	@DynamicPropertySource
	static void embeddedDatabase(DynamicPropertyRegistry registry) {
		registry.add("fhir.storage.data-dir", DATA_DIR::toString);
		registry.add("fhir.server.max-request-size", () -> "10MB"); // the default, which a 5,000-reading upload fits
		registry.add("fhir.storage.fulltext-enabled", () -> "true"); // off by default; PatientSearchTest searches _content
		trustTestIssuer(registry);
	}

	/** Makes a server under test trust {@link TestIssuer}. */
	public static void trustTestIssuer(DynamicPropertyRegistry registry) {
		for (String arg : trustTestIssuerArgs()) {
			String[] pair = arg.substring(2).split("=", 2);
			registry.add(pair[0], () -> pair[1]);
		}
	}

	/** The same as command-line arguments, for tests that start their own application. */
	public static String[] trustTestIssuerArgs() {
		return new String[] {
			"--fhir.auth.trusted-issuers[0].issuer=" + TestIssuer.ISSUER,
			"--fhir.auth.trusted-issuers[0].jwks-uri=" + TestIssuer.get().jwksUri(),
			"--fhir.auth.jwks-min-refetch-interval=0s",
			"--fhir.auth.password-grant-enabled=true",
			"--fhir.auth.builtin-server.admin-client-id=" + ADMIN_CLIENT_ID,
			"--fhir.auth.builtin-server.admin-client-secret=" + ADMIN_CLIENT_SECRET,
			"--fhir.auth.builtin-server.clients-file=classpath:auth/test-clients.json",
			// the limits themselves are tested in AddressRateLimitFilterTest and RateLimitTest
			"--fhir.auth.rate-limit.token-endpoint-per-address-per-minute=1000000",
			"--fhir.auth.rate-limit.per-address-per-minute=1000000",
			"--fhir.auth.rate-limit.per-client-per-minute=1000000",
			// the system token of most tests loads and reads data as an integration engine would;
			// consent itself is tested with practitioner and patient tokens
			"--fhir.consent.trusted-clients[0]=" + TestIssuer.TRUSTED_CLIENT_ID,
			"--fhir.consent.trusted-clients[1]=script-client",
			"--fhir.consent.grant-treatment-on-registration=true",
			"--fhir.auth.cors.allowed-origins[0]=" + BROWSER_APP_ORIGIN,
			// subscription tests receive notifications on a loopback port; every other internal address stays refused
			"--fhir.subscription.allowed-internal-hosts[0]=127.0.0.1",
			"--fhir.subscription.allowed-internal-hosts[1]=localhost"
		};
	}

	/** A FHIR client at {@code baseUrl} carrying a {@code system/*.cruds} token from {@link TestIssuer}. */
	public static IGenericClient systemClient(String baseUrl) {
		return systemClient(baseUrl, baseUrl);
	}

	/** As {@link #systemClient(String)}, for a server whose public base URL (the token audience) differs. */
	public static IGenericClient systemClient(String baseUrl, String audience) {
		IGenericClient tokenClient = FHIR.newRestfulGenericClient(baseUrl);
		tokenClient.registerInterceptor(new BearerTokenAuthInterceptor(TestIssuer.get().token(audience, "system/*.cruds")));
		return tokenClient;
	}

	static {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
	}

	@BeforeEach
	void connectClient() {
		systemToken = issuer().token(baseUrl(), "system/*.cruds");
		client = clientWithToken(systemToken);
	}

	protected IGenericClient clientWithToken(String token) {
		IGenericClient tokenClient = FHIR.newRestfulGenericClient(baseUrl());
		tokenClient.registerInterceptor(new BearerTokenAuthInterceptor(token));
		return tokenClient;
	}

	protected static TestIssuer issuer() {
		return TestIssuer.get();
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

	/** The ids (no type) of the first page a search finds, as the system client. */
	protected List<String> ids(String query) {
		return client.search().byUrl(query).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(entry -> entry.getResource().getIdElement().getIdPart())
				.toList();
	}

	protected HttpResponse<String> send(String method, String path, String contentType, String body) {
		return send(method, path, contentType, HttpRequest.BodyPublishers.ofString(body == null ? "" : body), null);
	}

	/** With headers as name, value pairs ({@code "Authorization", "Bearer …"} replaces the system token). */
	protected HttpResponse<String> send(String method, String path, String contentType, String body, String... headers) {
		return send(method, path, contentType, HttpRequest.BodyPublishers.ofString(body == null ? "" : body), headers);
	}

	protected HttpResponse<String> send(
			String method, String path, String contentType, HttpRequest.BodyPublisher body, String[] headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).method(method, body);
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		List<String> all = new ArrayList<>(headers == null ? List.of() : Arrays.asList(headers));
		if (!all.contains("Authorization") && !all.contains(NO_TOKEN)) {
			all.add("Authorization");
			all.add("Bearer " + systemToken);
		}
		for (int i = 0; i + 1 < all.size(); i += 2) {
			if (!all.get(i).equals(NO_TOKEN)) {
				request.header(all.get(i), all.get(i + 1));
			}
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		} catch (IOException | InterruptedException e) {
			throw new IllegalStateException(method + " " + path + " failed", e);
		}
	}

	private static final String NO_TOKEN = "x-test-no-token";

	protected HttpResponse<String> sendWithoutToken(String method, String path, String contentType, String body) {
		return send(method, path, contentType, HttpRequest.BodyPublishers.ofString(body == null ? "" : body),
				new String[] {NO_TOKEN, ""});
	}

	protected HttpResponse<String> getWithToken(String path, String token) {
		return get(path, "Authorization", "Bearer " + token);
	}

	protected HttpResponse<String> get(String path, String... headers) {
		return send("GET", path, null, HttpRequest.BodyPublishers.noBody(), headers.length == 0 ? null : headers);
	}
}
