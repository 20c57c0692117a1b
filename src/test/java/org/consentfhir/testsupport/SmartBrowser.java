package org.consentfhir.testsupport;

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
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser with its own cookies (the sign-in session) driving the built-in authorization server's
 * code flow for a public SMART app with PKCE: authorize, sign in, approve, get the code. Redirects
 * are not followed, so a test sees where each step sends it.
 */
public final class SmartBrowser {

	private final String origin;
	private final String clientId;
	private final String redirectUri;
	private final HttpClient http =
			HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();

	public SmartBrowser(String origin, String clientId, String redirectUri) {
		this.origin = origin;
		this.clientId = clientId;
		this.redirectUri = redirectUri;
	}

	/** The authorization request with a PKCE S256 challenge of {@code verifier}. */
	public String authorizeUrl(String verifier, String scope, String audience) {
		Map<String, String> q = new LinkedHashMap<>();
		q.put("response_type", "code");
		q.put("client_id", clientId);
		q.put("redirect_uri", redirectUri);
		q.put("scope", scope);
		q.put("state", "xyz");
		q.put("aud", audience);
		q.put("code_challenge", challenge(verifier));
		q.put("code_challenge_method", "S256");
		return origin + "/oauth2/authorize?" + OAuth.formBody(q);
	}

	/** Authorize, sign in on the login page and approve: the code the app gets. */
	public String signInAndApprove(String authorizeUrl, String username, String password) {
		HttpResponse<String> toLogin = get(authorizeUrl);
		if (!toLogin.headers().firstValue("Location").orElse("").endsWith("/login")) {
			throw new AssertionError("not sent to sign in: " + toLogin.statusCode() + " " + toLogin.headers().map());
		}
		HttpResponse<String> signedIn = signIn(username, password);
		return approve(get(signedIn.headers().firstValue("Location").orElseThrow()));
	}

	/** Posts the login form; the answer redirects back to the authorization request or to {@code /login?error}. */
	public HttpResponse<String> signIn(String username, String password) {
		HttpResponse<String> loginPage = get(origin + "/login");
		return post(origin + "/login", List.of(new String[] {"username", username}, new String[] {"password", password},
				new String[] {"_csrf", hidden(loginPage.body(), "_csrf")}));
	}

	/** Approves on the consent page shown; the code from the redirect to the app. */
	public String approve(HttpResponse<String> consentPage) {
		if (consentPage.statusCode() != 200) {
			throw new AssertionError("no consent page: " + consentPage.statusCode() + " " + consentPage.headers().map());
		}
		List<String[]> approval = new ArrayList<>();
		approval.add(new String[] {"client_id", clientId});
		approval.add(new String[] {"state", hidden(consentPage.body(), "state")});
		Matcher scopes = Pattern.compile("name=\"scope\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"scope\"")
				.matcher(consentPage.body());
		while (scopes.find()) {
			approval.add(new String[] {"scope", scopes.group(1) != null ? scopes.group(1) : scopes.group(2)});
		}
		HttpResponse<String> approved = post(origin + "/oauth2/authorize", approval);
		return codeIn(approved.headers().firstValue("Location").orElseThrow(() -> new AssertionError(approved.body())));
	}

	/** The {@code code} parameter of a redirect to the app, or null. */
	public String codeIn(String location) {
		if (location == null || !location.startsWith(redirectUri) || URI.create(location).getRawQuery() == null) {
			return null;
		}
		Map<String, String> params = new LinkedHashMap<>();
		for (String pair : URI.create(location).getRawQuery().split("&")) {
			String[] kv = pair.split("=", 2);
			params.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
		}
		return params.get("code");
	}

	public HttpResponse<String> get(String url) {
		return send(HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : origin + url)).header("Accept", "text/html").GET());
	}

	public HttpResponse<String> post(String url, List<String[]> fields) {
		StringBuilder body = new StringBuilder();
		for (String[] f : fields) {
			body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(f[0], StandardCharsets.UTF_8)).append('=')
					.append(URLEncoder.encode(f[1], StandardCharsets.UTF_8));
		}
		return send(HttpRequest.newBuilder(URI.create(url))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Accept", "text/html")
				.POST(HttpRequest.BodyPublishers.ofString(body.toString())));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		} catch (IOException | InterruptedException e) {
			throw new IllegalStateException(e);
		}
	}

	private static String hidden(String html, String name) {
		Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\"[^>]*value=\"([^\"]*)\"|value=\"([^\"]*)\"[^>]*name=\""
				+ Pattern.quote(name) + "\"").matcher(html);
		if (!m.find()) {
			throw new AssertionError("no " + name + " in " + html);
		}
		return m.group(1) != null ? m.group(1) : m.group(2);
	}

	public static String verifier() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String challenge(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
