package org.consentfhir.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An external identity provider for the tests: RSA and EC keys, its JSON Web Key Set served over
 * real HTTP by the JDK's server, and tokens minted with nimbus-jose-jwt. The server under test trusts
 * it as {@link #ISSUER}.
 */
public final class TestIssuer {

	public static final String ISSUER = "https://idp.test.consentfhir.org";
	/** The client id of {@link #claims}' tokens, trusted with every record by the end-to-end tests' server. */
	public static final String TRUSTED_CLIENT_ID = "test-client";

	private static final TestIssuer INSTANCE = new TestIssuer();

	private final List<JWK> published = new CopyOnWriteArrayList<>();
	private final Map<JWSAlgorithm, JWK> signingKeys = new ConcurrentHashMap<>();
	private final HttpServer server;

	private TestIssuer() {
		try {
			addKey(JWSAlgorithm.RS256, new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate());
			signingKeys.put(JWSAlgorithm.RS384, signingKeys.get(JWSAlgorithm.RS256));
			addKey(JWSAlgorithm.ES256, new ECKeyGenerator(Curve.P_256).keyID("ec256-" + UUID.randomUUID()).generate());
			addKey(JWSAlgorithm.ES384, new ECKeyGenerator(Curve.P_384).keyID("ec384-" + UUID.randomUUID()).generate());
			server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/jwks", exchange -> {
				byte[] body = new JWKSet(List.copyOf(published)).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			});
			server.start();
		} catch (JOSEException | IOException e) {
			throw new IllegalStateException(e);
		}
	}

	public static TestIssuer get() {
		return INSTANCE;
	}

	public String jwksUri() {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
	}

	private void addKey(JWSAlgorithm algorithm, JWK key) {
		signingKeys.put(algorithm, key);
		published.add(key);
	}

	/** A new RSA key with a new kid, published at once; later RS256 tokens are signed with it. */
	public JWK rotateRsaKey() {
		try {
			JWK key = new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate();
			addKey(JWSAlgorithm.RS256, key);
			return key;
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	/** A key that signs but is not published. */
	public static JWK unpublishedRsaKey() {
		try {
			return new RSAKeyGenerator(2048).keyID("stray-" + UUID.randomUUID()).generate();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	public JWK publishedKey(JWSAlgorithm algorithm) {
		return signingKeys.get(algorithm);
	}

	/** Claims every good token has: this issuer, the audience, a subject, five minutes of life. */
	public static JWTClaimsSet.Builder claims(String audience, String scope) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder()
				.issuer(ISSUER)
				.audience(audience)
				.subject("test-user")
				.claim("client_id", TRUSTED_CLIENT_ID)
				.claim("scope", scope)
				.issueTime(Date.from(now))
				.notBeforeTime(Date.from(now.minusSeconds(1)))
				.expirationTime(Date.from(now.plusSeconds(300)))
				.jwtID(UUID.randomUUID().toString());
	}

	public String token(String audience, String scope) {
		return token(audience, scope, c -> {});
	}

	public String token(String audience, String scope, Consumer<JWTClaimsSet.Builder> changes) {
		JWTClaimsSet.Builder builder = claims(audience, scope);
		changes.accept(builder);
		return sign(JWSAlgorithm.RS256, builder.build());
	}

	public String sign(JWSAlgorithm algorithm, JWTClaimsSet claims) {
		return sign(algorithm, signingKeys.get(algorithm), claims);
	}

	public static String sign(JWSAlgorithm algorithm, JWK key, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
			jwt.sign(new DefaultJWSSignerFactory().createJWSSigner(key, algorithm));
			return jwt.serialize();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}
}
