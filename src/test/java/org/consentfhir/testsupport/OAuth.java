package org.consentfhir.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Talks OAuth to the built-in authorization server over HTTP, as a client would. */
public final class OAuth {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final String origin;

	public OAuth(String origin) {
		this.origin = origin;
	}

	public record Reply(int status, JsonNode json, String body) {
		public String text(String field) {
			return json.path(field).asText(null);
		}
	}

	public Reply token(String clientId, String clientSecret, String... form) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 0; i + 1 < form.length; i += 2) {
			fields.put(form[i], form[i + 1]);
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(formBody(fields)));
		if (clientSecret != null) {
			request.header("Authorization", basic(clientId, clientSecret));
		}
		return send(request.build());
	}

	public Reply revoke(String clientId, String clientSecret, String token) {
		return send(HttpRequest.newBuilder(URI.create(origin + "/oauth2/revoke"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", basic(clientId, clientSecret))
				.POST(HttpRequest.BodyPublishers.ofString(formBody(Map.of("token", token))))
				.build());
	}

	public Reply introspect(String clientId, String clientSecret, String token) {
		return send(HttpRequest.newBuilder(URI.create(origin + "/oauth2/introspect"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", basic(clientId, clientSecret))
				.POST(HttpRequest.BodyPublishers.ofString(formBody(Map.of("token", token))))
				.build());
	}

	public Reply clientCredentials(String clientId, String clientSecret, String scope) {
		return token(clientId, clientSecret, "grant_type", "client_credentials", "scope", scope);
	}

	public Reply password(String username, String password, String scope) {
		return token("script-client", "Script-Secret-2026", "grant_type", "password", "username", username,
				"password", password, "scope", scope);
	}

	/** A refresh through the test scripts' client. */
	public Reply refresh(String refreshToken) {
		return token("script-client", "Script-Secret-2026", "grant_type", "refresh_token", "refresh_token", refreshToken);
	}

	public String adminToken() {
		return clientCredentials(EndToEndTest.ADMIN_CLIENT_ID, EndToEndTest.ADMIN_CLIENT_SECRET, "users.manage client.create client.read")
				.text("access_token");
	}

	public Reply json(String method, String path, String bearer, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path))
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
				.header("Content-Type", "application/json")
				.header("Accept", "application/json");
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return send(request.build());
	}

	/** Creates a user through the admin API; returns the password. */
	public String createUser(String username, String role, String fhirUser) {
		String password = "Pw-" + new StringBuilder(username).reverse() + "-Xy7!";
		String body = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"role\":\"" + role + "\""
				+ (fhirUser == null ? "" : ",\"fhirUser\":\"" + fhirUser + "\"") + "}";
		Reply reply = json("POST", "/admin/users", adminToken(), body);
		if (reply.status() != 201) {
			throw new IllegalStateException("creating " + username + " answered " + reply.status() + ": " + reply.body());
		}
		return password;
	}

	public static String formBody(Map<String, String> fields) {
		return fields.entrySet().stream()
				.map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
	}

	public static String basic(String user, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(user, StandardCharsets.UTF_8) + ":"
				+ URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
	}

	private static Reply send(HttpRequest request) {
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			JsonNode json;
			try {
				json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
			} catch (IOException notJson) {
				json = JSON.createObjectNode();
			}
			return new Reply(response.statusCode(), json, response.body());
		} catch (IOException | InterruptedException e) {
			throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
		}
	}
}
