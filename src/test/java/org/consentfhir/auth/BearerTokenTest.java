package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.TestIssuer;
import org.junit.jupiter.api.Test;

/** Every FHIR request but the CapabilityStatement needs a good bearer token; a bad one is 401, never 500. */
class BearerTokenTest extends EndToEndTest {

	private static final String SCOPE = "system/Patient.rs";

	@Test
	void servesTheCapabilityStatementWithoutAToken() {
		assertThat(sendWithoutToken("GET", "/fhir/metadata", null, null).statusCode()).isEqualTo(200);
	}

	@Test
	void refusesARequestWithoutATokenWith401AndAChallenge() {
		HttpResponse<String> response = sendWithoutToken("GET", "/fhir/Patient", null, null);

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
		assertThat(response.body()).contains("OperationOutcome").contains("access token");
	}

	@Test
	void acceptsTokensSignedWithEachAcceptedAlgorithm() {
		for (JWSAlgorithm algorithm : new JWSAlgorithm[] {JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.ES256, JWSAlgorithm.ES384}) {
			String token = issuer().sign(algorithm, TestIssuer.claims(baseUrl(), SCOPE).build());
			assertThat(getWithToken("/fhir/Patient?_count=1", token).statusCode()).as(algorithm.getName()).isEqualTo(200);
		}
	}

	@Test
	void refusesAnExpiredToken() {
		String token = issuer().token(baseUrl(), SCOPE, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120))));
		assertRefused(token, "Expired");
	}

	@Test
	void refusesATokenNotYetValid() {
		String token = issuer().token(baseUrl(), SCOPE, c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(120))));
		assertRefused(token, "before");
	}

	@Test
	void refusesATokenForAnotherAudience() {
		assertRefused(issuer().token("https://other.example.org/fhir", SCOPE), "audience");
	}

	@Test
	void refusesATokenFromAnUnknownIssuer() {
		assertRefused(issuer().token(baseUrl(), SCOPE, c -> c.issuer("https://evil.example.org")), "not trusted");
	}

	@Test
	void refusesAnUnsignedTokenWithAlgNone() {
		String token = new PlainJWT(new PlainHeader(), TestIssuer.claims(baseUrl(), SCOPE).build()).serialize();
		assertRefused(token, "not signed");
	}

	@Test
	void refusesAnHmacTokenMadeWithThePublicKeyAsSecret() throws Exception {
		byte[] publicKey = issuer().publishedKey(JWSAlgorithm.RS256).toRSAKey().toPublicKey().getEncoded();
		JWSObject jws = new JWSObject(
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(issuer().publishedKey(JWSAlgorithm.RS256).getKeyID()).build(),
				new Payload(TestIssuer.claims(baseUrl(), "system/*.cruds").build().toJSONObject()));
		jws.sign(new MACSigner(publicKey));
		assertRefused(jws.serialize(), "HS256");
	}

	@Test
	void refusesATokenSignedWithAKeyTheIssuerNeverPublished() {
		String token = TestIssuer.sign(JWSAlgorithm.RS256, TestIssuer.unpublishedRsaKey(), TestIssuer.claims(baseUrl(), SCOPE).build());
		assertRefused(token, "refused");
	}

	@Test
	void refusesATamperedPayload() {
		String[] parts = issuer().token(baseUrl(), "system/Patient.rs").split("\\.");
		JWTClaimsSet widened = TestIssuer.claims(baseUrl(), "system/*.cruds").build();
		String forged = parts[0] + "." + Base64URL.encode(widened.toString()) + "." + parts[2];
		assertRefused(forged, "refused");
	}

	@Test
	void refusesGarbageWithoutA500() {
		assertRefused("not-a-jwt", "not a JWT");
		assertThat(get("/fhir/Patient", "Authorization", "Basic dXNlcjpwYXNz").statusCode()).isEqualTo(401);
	}

	@Test
	void acceptsANewKeyAfterTheIssuerRotatesWithoutARestart() {
		getWithToken("/fhir/Patient?_count=1", issuer().token(baseUrl(), SCOPE));
		issuer().rotateRsaKey();

		String token = issuer().token(baseUrl(), SCOPE);

		assertThat(getWithToken("/fhir/Patient?_count=1", token).statusCode()).isEqualTo(200);
	}

	private void assertRefused(String token, String reason) {
		HttpResponse<String> response = getWithToken("/fhir/Patient?_count=1", token);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate"))
				.hasValueSatisfying(v -> assertThat(v).startsWith("Bearer").contains("invalid_token"));
		assertThat(response.body()).contains("OperationOutcome").contains(reason);
	}
}
