package org.consentfhir.interceptors.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Verified tokens are remembered, but only for what they were verified for and only while valid. */
class JwtTokenVerifierTest {

	private static final String ISSUER = "https://issuer.test";
	private static final String AUDIENCE = "https://fhir.test/fhir";

	private final RSAKey key = generate();
	private final JwtTokenVerifier verifier = new JwtTokenVerifier(
			List.of(new TrustedIssuer(ISSUER, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())), ClaimNames.SMART)),
			origin -> Optional.empty(),
			Duration.ZERO);

	@Test
	void aRememberedTokenIsStillRefusedForAnotherAudience() throws Exception {
		String token = sign(Instant.now().plusSeconds(300));

		assertThat(verifier.verify(token, AUDIENCE, "https://fhir.test").clientId()).isEqualTo("app");
		assertThat(verifier.verify(token, AUDIENCE, "https://fhir.test").clientId()).isEqualTo("app");
		assertThatThrownBy(() -> verifier.verify(token, "https://other.test/fhir", "https://fhir.test"))
				.isInstanceOf(InvalidTokenException.class).hasMessageContaining("audience");
	}

	@Test
	void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
		String token = sign(Instant.now().plusSeconds(2));
		verifier.verify(token, AUDIENCE, "https://fhir.test");

		Thread.sleep(2_100);

		assertThatThrownBy(() -> verifier.verify(token, AUDIENCE, "https://fhir.test")).isInstanceOf(InvalidTokenException.class);
	}

	private String sign(Instant expires) throws Exception {
		JWTClaimsSet claims = new JWTClaimsSet.Builder()
				.issuer(ISSUER)
				.audience(AUDIENCE)
				.subject("user")
				.claim("client_id", "app")
				.claim("scope", "user/*.rs")
				.issueTime(new Date())
				.expirationTime(Date.from(expires))
				.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

	private static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID("k1").generate();
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}
}
