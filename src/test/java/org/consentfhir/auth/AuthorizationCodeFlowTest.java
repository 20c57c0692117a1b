package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.OAuth;
import org.consentfhir.testsupport.OAuth.Reply;
import org.hl7.fhir.r4.model.Patient;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A SMART standalone launch by a public app, the way a browser does it: authorize, sign in on the
 * login page, approve on the consent page, exchange the code with the PKCE verifier.
 */
class AuthorizationCodeFlowTest extends EndToEndTest {

	private static final String CLIENT = "smart-app";
	private static final String REDIRECT = "http://127.0.0.1:9/callback";
	private static final String SCOPE = "openid fhirUser launch/patient patient/*.rs";

	private OAuth oauth;
	private HttpClient browser;
	private String patient;
	private String username;
	private String password;

	@BeforeEach
	void aPatientWithAnAccount() {
		oauth = new OAuth(url(""));
		browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
		patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		username = unique("launch");
		password = oauth.createUser(username, "patient", "Patient/" + patient);
	}

	@Test
	void standaloneLaunchGivesATokenWithThePatientAndAnIdTokenWithFhirUser() throws Exception {
		String verifier = verifier();

		String code = signInAndApprove(authorizeUrl(challenge(verifier), "S256", REDIRECT));
		Reply token = exchange(code, verifier);

		assertThat(token.status()).as(token.body()).isEqualTo(200);
		assertThat(token.text("patient")).isEqualTo(patient);
		assertThat(token.text("scope")).contains("patient/*.rs").contains("launch/patient");
		assertThat(SignedJWT.parse(token.text("id_token")).getJWTClaimsSet().getStringClaim("fhirUser")).isEqualTo("Patient/" + patient);
		assertThat(getWithToken("/fhir/Patient/" + patient, token.text("access_token")).statusCode()).isEqualTo(200);
	}

	@Test
	void aPractitionerPicksThePatientForALaunch() throws Exception {
		String family = unique("Picked");
		String picked = client.create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(family)))
				.execute().getId().getIdPart();
		String hiddenNamesake = client.create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(family)))
				.execute().getId().getIdPart();
		Practitioner doctor = new Practitioner();
		doctor.setId("doc-9");
		client.update().resource(doctor).execute();
		client.create().resource(Clinic.consent(picked, Consent.ConsentProvisionType.PERMIT, "Practitioner/doc-9", PurposeOfUse.TREAT)).execute();
		username = unique("doc");
		password = oauth.createUser(username, "doctor", "Practitioner/doc-9");
		String verifier = verifier();

		HttpResponse<String> toLogin = fetch(authorizeUrl(challenge(verifier), "S256", REDIRECT));
		assertThat(toLogin.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
		HttpResponse<String> loginPage = fetch(url("/login"));
		HttpResponse<String> signedIn = postForm(url("/login"),
				Map.of("username", username, "password", password, "_csrf", hidden(loginPage.body(), "_csrf")));
		HttpResponse<String> toPicker = fetch(signedIn.headers().firstValue("Location").orElseThrow());
		String pickerUrl = toPicker.headers().firstValue("Location").orElseThrow();
		assertThat(pickerUrl).contains("/launch/select-patient");
		HttpResponse<String> picker = fetch(pickerUrl + "&q=" + family);
		Matcher link = Pattern.compile("class=\"patient\" href=\"([^\"]+)\"").matcher(picker.body());
		assertThat(link.find()).as(picker.body()).isTrue();
		// the picker searches as the doctor: a namesake whose consent does not permit them is not listed
		assertThat(picker.body()).contains("Patient/" + picked).doesNotContain("Patient/" + hiddenNamesake);
		String code = approve(fetch(link.group(1).replace("&amp;", "&")));

		Reply token = exchange(code, verifier);

		assertThat(token.status()).as(token.body()).isEqualTo(200);
		assertThat(token.text("patient")).isEqualTo(picked);
		assertThat(getWithToken("/fhir/Patient/" + picked, token.text("access_token")).statusCode()).isEqualTo(200);
	}

	@Test
	void aPatientsSignedInSessionFindsNobodyInThePatientPicker() throws Exception {
		String family = unique("Stranger");
		client.create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(family))).execute();
		signInAndApprove(authorizeUrl(challenge(verifier()), "S256", REDIRECT));

		HttpResponse<String> picker = fetch(url("/launch/select-patient?q=" + family));

		assertThat(picker.statusCode()).isEqualTo(200);
		assertThat(picker.body()).doesNotContain("class=\"patient\"").doesNotContain(family + " (");
	}

	@Test
	void anEhrLaunchCarriesTheContextTheEhrRegistered() throws Exception {
		String ehrToken = oauth.clientCredentials("script-client", "Script-Secret-2026", "launch.create").text("access_token");
		Reply context = oauth.json("POST", "/admin/launch-contexts", ehrToken,
				"{\"patient\":\"" + patient + "\",\"encounter\":\"enc-1\"}");
		assertThat(context.status()).as(context.body()).isEqualTo(201);
		username = unique("ehrdoc");
		password = oauth.createUser(username, "doctor", "Practitioner/doc-10");
		String verifier = verifier();

		String code = signInAndApprove(authorizeUrl(challenge(verifier), "S256", REDIRECT, "openid fhirUser launch patient/*.rs",
				Map.of("launch", context.text("launch"))));
		Reply token = exchange(code, verifier);

		assertThat(token.status()).as(token.body()).isEqualTo(200);
		assertThat(token.text("patient")).isEqualTo(patient);
		assertThat(token.text("encounter")).isEqualTo("enc-1");
	}

	@Test
	void onlyATokenWithLaunchCreateRegistersALaunchContext() {
		Reply refused = oauth.json("POST", "/admin/launch-contexts", systemToken, "{\"patient\":\"" + patient + "\"}");

		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body()).contains("OperationOutcome").contains("launch.create");
	}

	@Test
	void refusesTheCodeWithAWrongVerifier() throws Exception {
		String code = signInAndApprove(authorizeUrl(challenge(verifier()), "S256", REDIRECT));

		Reply token = exchange(code, verifier());

		assertThat(token.status()).isEqualTo(400);
		assertThat(token.text("error")).isEqualTo("invalid_grant");
	}

	@Test
	void refusesAnAuthorizationRequestWithoutPkceOrWithPlain() throws Exception {
		HttpResponse<String> missing = fetch(authorizeUrl(null, null, REDIRECT));
		HttpResponse<String> plain = fetch(authorizeUrl("a".repeat(43), "plain", REDIRECT));

		assertThat(missing.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith(REDIRECT).contains("error=invalid_request"));
		assertThat(plain.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith(REDIRECT).contains("error=invalid_request"));
	}

	@Test
	void neverRedirectsToAnUnregisteredRedirectUri() throws Exception {
		HttpResponse<String> response = fetch(authorizeUrl(challenge(verifier()), "S256", "https://evil.example.org/callback"));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Location")).isEmpty();
	}

	@Test
	void theLoginPageRefusesAWrongPassword() throws Exception {
		fetch(authorizeUrl(challenge(verifier()), "S256", REDIRECT));
		HttpResponse<String> loginPage = fetch(url("/login"));

		HttpResponse<String> failed = postForm(url("/login"), Map.of("username", username, "password", "Wrong-Password-1",
				"_csrf", hidden(loginPage.body(), "_csrf")));

		assertThat(failed.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/login?error"));
	}

	private String signInAndApprove(String authorizeUrl) throws Exception {
		HttpResponse<String> toLogin = fetch(authorizeUrl);
		assertThat(toLogin.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
		HttpResponse<String> loginPage = fetch(url("/login"));
		HttpResponse<String> signedIn = postForm(url("/login"),
				Map.of("username", username, "password", password, "_csrf", hidden(loginPage.body(), "_csrf")));
		return approve(fetch(signedIn.headers().firstValue("Location").orElseThrow()));
	}

	private String approve(HttpResponse<String> consentPage) throws Exception {
		assertThat(consentPage.statusCode()).as(consentPage.body()).isEqualTo(200);

		List<String[]> approval = new ArrayList<>();
		approval.add(new String[] {"client_id", CLIENT});
		approval.add(new String[] {"state", hidden(consentPage.body(), "state")});
		Matcher scopes = Pattern.compile("name=\"scope\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"scope\"").matcher(consentPage.body());
		while (scopes.find()) {
			approval.add(new String[] {"scope", scopes.group(1) != null ? scopes.group(1) : scopes.group(2)});
		}
		HttpResponse<String> approved = postForm(url("/oauth2/authorize"), approval);
		String location = approved.headers().firstValue("Location").orElseThrow(() -> new AssertionError(approved.body()));
		assertThat(location).startsWith(REDIRECT).contains("state=xyz");
		return query(location).get("code");
	}

	private Reply exchange(String code, String verifier) {
		return oauth.token(CLIENT, null, "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
				"client_id", CLIENT, "code_verifier", verifier);
	}

	private String authorizeUrl(String challenge, String method, String redirect) {
		return authorizeUrl(challenge, method, redirect, SCOPE, Map.of());
	}

	private String authorizeUrl(String challenge, String method, String redirect, String scope, Map<String, String> extra) {
		Map<String, String> q = new LinkedHashMap<>();
		q.put("response_type", "code");
		q.put("client_id", CLIENT);
		q.put("redirect_uri", redirect);
		q.put("scope", scope);
		q.putAll(extra);
		q.put("state", "xyz");
		q.put("aud", baseUrl());
		if (challenge != null) {
			q.put("code_challenge", challenge);
			q.put("code_challenge_method", method);
		}
		return url("/oauth2/authorize?" + OAuth.formBody(q));
	}

	private HttpResponse<String> fetch(String url) throws IOException, InterruptedException {
		String absolute = url.startsWith("http") ? url : url(url);
		return browser.send(HttpRequest.newBuilder(URI.create(absolute)).header("Accept", "text/html").GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> postForm(String url, Map<String, String> fields) throws IOException, InterruptedException {
		List<String[]> list = new ArrayList<>();
		fields.forEach((k, v) -> list.add(new String[] {k, v}));
		return postForm(url, list);
	}

	private HttpResponse<String> postForm(String url, List<String[]> fields) throws IOException, InterruptedException {
		StringBuilder body = new StringBuilder();
		for (String[] f : fields) {
			body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(f[0], StandardCharsets.UTF_8)).append('=')
					.append(URLEncoder.encode(f[1], StandardCharsets.UTF_8));
		}
		return browser.send(HttpRequest.newBuilder(URI.create(url))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.header("Accept", "text/html")
						.POST(HttpRequest.BodyPublishers.ofString(body.toString()))
						.build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static String hidden(String html, String name) {
		Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\"[^>]*value=\"([^\"]*)\"|value=\"([^\"]*)\"[^>]*name=\"" + Pattern.quote(name) + "\"").matcher(html);
		if (!m.find()) {
			throw new AssertionError("no " + name + " in " + html);
		}
		return m.group(1) != null ? m.group(1) : m.group(2);
	}

	private static Map<String, String> query(String location) {
		Map<String, String> params = new LinkedHashMap<>();
		for (String pair : URI.create(location).getRawQuery().split("&")) {
			String[] kv = pair.split("=", 2);
			params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
		}
		return params;
	}

	private static String verifier() {
		byte[] bytes = new byte[32];
		new java.security.SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static String challenge(String verifier) throws Exception {
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
	}
}
