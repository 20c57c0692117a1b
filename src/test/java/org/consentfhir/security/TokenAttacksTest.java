package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.OAuth;
import org.consentfhir.testsupport.OAuth.Reply;
import org.consentfhir.testsupport.SmartBrowser;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the built-in authorization server's tokens, each through real HTTP with real signed
 * tokens: a disabled user's browser session and tokens, revoked and replayed tokens at the FHIR
 * endpoint, a public client given a secret, cross-origin calls, and sign-in answers that tell
 * accounts apart.
 */
class TokenAttacksTest extends EndToEndTest {

	private static final String APP = "smart-app";
	private static final String REDIRECT = "http://127.0.0.1:9/callback";
	private static final String APP_SCOPE = "openid fhirUser launch/patient patient/*.rs";
	private static final String SCRIPT = "script-client";
	private static final String SCRIPT_SECRET = "Script-Secret-2026";
	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private OAuth oauth;
	private SmartBrowser browser;
	private String patient;
	private String username;
	private String password;

	@BeforeEach
	void aPatientWithAnAccountAndABrowser() {
		oauth = new OAuth(url(""));
		browser = new SmartBrowser(url(""), APP, REDIRECT);
		patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		username = unique("attack");
		password = oauth.createUser(username, "patient", "Patient/" + patient);
	}

	// 1. disabling a user ends their sessions and tokens

	@Test
	void aDisabledUserGetsNoNewCodeThroughTheirBrowserSession() {
		String verifier = SmartBrowser.verifier();
		String first = browser.signInAndApprove(browser.authorizeUrl(verifier, APP_SCOPE, baseUrl()), username, password);
		assertThat(exchange(first, verifier).status()).isEqualTo(200);

		disable(username);
		String again = SmartBrowser.verifier();
		HttpResponse<String> authorize = browser.get(browser.authorizeUrl(again, APP_SCOPE, baseUrl()));

		String location = authorize.headers().firstValue("Location").orElse("");
		assertThat(browser.codeIn(location)).as(location).isNull();
		assertThat(location).endsWith("/login");
		HttpResponse<String> signInAgain = browser.signIn(username, password);
		assertThat(signInAgain.headers().firstValue("Location").orElse("")).contains("/login?error");
	}

	@Test
	void aCodeIssuedBeforeTheUserWasDisabledGetsNoToken() {
		String verifier = SmartBrowser.verifier();
		String code = browser.signInAndApprove(browser.authorizeUrl(verifier, APP_SCOPE, baseUrl()), username, password);

		disable(username);
		Reply token = exchange(code, verifier);

		assertThat(token.status()).as(token.body()).isEqualTo(400);
		assertThat(token.text("error")).isEqualTo("invalid_grant");
	}

	@Test
	void aDisabledUsersAccessTokenIsRefusedAtTheFhirEndpoint() {
		String doctor = unique("disdoc");
		String doctorPassword = oauth.createUser(doctor, "doctor", "Practitioner/" + unique("p"));
		String token = oauth.password(doctor, doctorPassword, "user/*.rs").text("access_token");
		assertThat(getWithToken("/fhir/Practitioner?_count=1", token).statusCode()).isEqualTo(200);

		disable(doctor);
		HttpResponse<String> afterDisable = getWithToken("/fhir/Practitioner?_count=1", token);

		assertThat(afterDisable.statusCode()).isEqualTo(401);
		assertThat(afterDisable.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
		assertThat(oauth.introspect(SCRIPT, SCRIPT_SECRET, token).json().path("active").asBoolean(true)).isFalse();
	}

	// 2. revocation reaches the FHIR endpoint

	@Test
	void aRevokedAccessTokenIsRefusedAtTheFhirEndpoint() {
		String token = doctorTokens("user/*.rs").text("access_token");
		assertThat(getWithToken("/fhir/Practitioner?_count=1", token).statusCode()).isEqualTo(200);

		Reply revoked = oauth.revoke(SCRIPT, SCRIPT_SECRET, token);
		HttpResponse<String> afterRevoke = getWithToken("/fhir/Practitioner?_count=1", token);

		assertThat(revoked.status()).isEqualTo(200);
		assertThat(afterRevoke.statusCode()).isEqualTo(401);
		assertThat(afterRevoke.body()).contains("revoked");
	}

	@Test
	void aRevokedRefreshTokenTakesTheAccessTokensOfItsGrantWithIt() {
		Reply tokens = doctorTokens("offline_access user/*.rs");
		String access = tokens.text("access_token");
		assertThat(getWithToken("/fhir/Practitioner?_count=1", access).statusCode()).isEqualTo(200);

		assertThat(oauth.revoke(SCRIPT, SCRIPT_SECRET, tokens.text("refresh_token")).status()).isEqualTo(200);

		assertThat(getWithToken("/fhir/Practitioner?_count=1", access).statusCode()).isEqualTo(401);
	}

	@Test
	void aRemovedClientsTokensAreRefusedAtTheFhirEndpoint() {
		String registrationToken = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.create").text("access_token");
		Reply registered = oauth.json("POST", "/connect/register", registrationToken, """
				{"client_name":"Leaked backend","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic",
				 "scope":"system/Practitioner.rs","redirect_uris":["https://unused.example"]}""");
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);
		String token = oauth.clientCredentials(registered.text("client_id"), registered.text("client_secret"), "system/Practitioner.rs")
				.text("access_token");
		assertThat(getWithToken("/fhir/Practitioner?_count=1", token).statusCode()).isEqualTo(200);

		Reply removed = oauth.json("DELETE", "/admin/clients/" + registered.text("client_id"), oauth.adminToken(), null);

		assertThat(removed.status()).as(removed.body()).isEqualTo(204);
		assertThat(getWithToken("/fhir/Practitioner?_count=1", token).statusCode()).isEqualTo(401);
		assertThat(oauth.clientCredentials(registered.text("client_id"), registered.text("client_secret"), "system/Practitioner.rs")
				.status()).isEqualTo(401);
	}

	// 3. replays revoke what they could have been used for

	@Test
	void aReplayedRefreshTokenRevokesItsWholeFamily() {
		Reply first = doctorTokens("offline_access user/*.rs");
		Reply rotated = oauth.refresh(first.text("refresh_token"));
		assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
		assertThat(getWithToken("/fhir/Practitioner?_count=1", rotated.text("access_token")).statusCode()).isEqualTo(200);

		Reply replay = oauth.refresh(first.text("refresh_token"));

		assertThat(replay.status()).isEqualTo(400);
		assertThat(oauth.refresh(rotated.text("refresh_token")).status()).isEqualTo(400);
		assertThat(getWithToken("/fhir/Practitioner?_count=1", rotated.text("access_token")).statusCode()).isEqualTo(401);
		assertThat(getWithToken("/fhir/Practitioner?_count=1", first.text("access_token")).statusCode()).isEqualTo(401);
	}

	@Test
	void aReplayedAuthorizationCodeRevokesTheTokensOfTheFirstExchange() {
		String verifier = SmartBrowser.verifier();
		String code = browser.signInAndApprove(browser.authorizeUrl(verifier, APP_SCOPE, baseUrl()), username, password);
		Reply first = exchange(code, verifier);
		assertThat(getWithToken("/fhir/Patient/" + patient, first.text("access_token")).statusCode()).isEqualTo(200);

		Reply replay = exchange(code, verifier);

		assertThat(replay.status()).isEqualTo(400);
		assertThat(getWithToken("/fhir/Patient/" + patient, first.text("access_token")).statusCode()).isEqualTo(401);
	}

	// 4. a public client is registered as one

	@Test
	void aClientRegisteringAsPublicGetsNoSecretAndMustUsePkce() {
		String registrationToken = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.create").text("access_token");
		Reply registered = oauth.json("POST", "/connect/register", registrationToken, """
				{"client_name":"Browser app","token_endpoint_auth_method":"none",
				 "grant_types":["authorization_code"],"response_types":["code"],
				 "redirect_uris":["http://127.0.0.1:9/public"],"scope":"openid launch/patient patient/*.rs"}""");
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);

		String withoutPkce = url("/oauth2/authorize?" + OAuth.formBody(Map.of("response_type", "code",
				"client_id", registered.text("client_id"), "redirect_uri", "http://127.0.0.1:9/public",
				"scope", "launch/patient patient/*.rs", "state", "s")));
		HttpResponse<String> refused = browser.get(withoutPkce);

		assertThat(registered.json().has("client_secret")).as(registered.body()).isFalse();
		assertThat(registered.text("token_endpoint_auth_method")).isEqualTo("none");
		assertThat(refused.headers().firstValue("Location").orElse("")).startsWith("http://127.0.0.1:9/public")
				.contains("error=invalid_request");
	}

	// 5. CORS: the configured origin only, never with credentials

	@Test
	void theConfiguredAppOriginMayCallTheFhirAndTokenEndpointsButNeverWithCredentials() {
		HttpResponse<String> preflight = preflight("/fhir/Patient", BROWSER_APP_ORIGIN, "GET");
		HttpResponse<String> read = send("GET", "/fhir/Patient/" + patient, null, null, "Origin", BROWSER_APP_ORIGIN);
		HttpResponse<String> tokenPreflight = preflight("/oauth2/token", BROWSER_APP_ORIGIN, "POST");

		for (HttpResponse<String> response : List.of(preflight, read, tokenPreflight)) {
			assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).as(response.uri().toString())
					.hasValue(BROWSER_APP_ORIGIN);
			assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
		}
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("authorization");
	}

	@Test
	void anotherOriginGetsNoCorsHeadersWhereTheAppsOriginDoes() {
		String evil = "https://evil.example.net";
		assertThat(preflight("/fhir/Patient", BROWSER_APP_ORIGIN, "GET").headers().firstValue("Access-Control-Allow-Origin"))
				.hasValue(BROWSER_APP_ORIGIN);

		HttpResponse<String> preflight = preflight("/fhir/Patient", evil, "GET");
		HttpResponse<String> read = send("GET", "/fhir/Patient/" + patient, null, null, "Origin", evil);
		HttpResponse<String> tokenPreflight = preflight("/oauth2/token", evil, "POST");
		HttpResponse<String> loginPreflight = preflight("/login", BROWSER_APP_ORIGIN, "POST");

		for (HttpResponse<String> response : List.of(preflight, read, tokenPreflight, loginPreflight)) {
			assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).as(response.uri().toString()).isEmpty();
		}
	}

	// 6. sign-in failures look alike

	@Test
	void lockedDisabledUnknownAndWrongPasswordSignInsAreToldTheSame() {
		String locked = unique("locked");
		String lockedPassword = oauth.createUser(locked, "nurse", null);
		for (int i = 0; i < 5; i++) {
			oauth.password(locked, "Wrong-Password-1", "user/*.rs");
		}
		String disabled = unique("disabled");
		String disabledPassword = oauth.createUser(disabled, "nurse", null);
		disable(disabled);
		Map<String, String[]> attempts = Map.of(
				"locked", new String[] {locked, lockedPassword},
				"disabled", new String[] {disabled, disabledPassword},
				"unknown", new String[] {unique("nobody"), "Some-Password-12"},
				"wrong password", new String[] {username, "Wrong-Password-1"});

		Set<String> grantAnswers = attempts.values().stream()
				.map(a -> oauth.password(a[0], a[1], "user/*.rs"))
				.map(r -> r.status() + " " + r.text("error") + " " + r.text("error_description"))
				.collect(Collectors.toSet());
		Set<String> loginPages = attempts.values().stream().map(a -> loginError(a[0], a[1])).collect(Collectors.toSet());

		assertThat(grantAnswers).hasSize(1);
		assertThat(loginPages).hasSize(1);
		assertThat(grantAnswers.iterator().next()).doesNotContainIgnoringCase("lock").doesNotContainIgnoringCase("disabled");
	}

	private String loginError(String user, String secret) {
		SmartBrowser fresh = new SmartBrowser(url(""), APP, REDIRECT);
		HttpResponse<String> failed = fresh.signIn(user, secret);
		HttpResponse<String> page = fresh.get(failed.headers().firstValue("Location").orElseThrow());
		Matcher error = Pattern.compile("<div class=\"alert alert-danger\" role=\"alert\">([^<]*)</div>").matcher(page.body());
		return error.find() ? error.group(1) : page.body();
	}

	private Reply doctorTokens(String scope) {
		String doctor = unique("doc");
		Reply tokens = oauth.password(doctor, oauth.createUser(doctor, "doctor", "Practitioner/" + unique("p")), scope);
		assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
		return tokens;
	}

	private void disable(String user) {
		assertThat(oauth.json("POST", "/admin/users/" + user + "/disable", oauth.adminToken(), null).status()).isEqualTo(200);
	}

	private Reply exchange(String code, String verifier) {
		return oauth.token(APP, null, "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
				"client_id", APP, "code_verifier", verifier);
	}

	private HttpResponse<String> preflight(String path, String origin, String method) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(url(path)))
					.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
					.header("Origin", origin)
					.header("Access-Control-Request-Method", method)
					.header("Access-Control-Request-Headers", "authorization,content-type")
					.build(), HttpResponse.BodyHandlers.ofString());
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}
}
