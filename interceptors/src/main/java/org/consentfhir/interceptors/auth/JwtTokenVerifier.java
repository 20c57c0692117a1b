package org.consentfhir.interceptors.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Verifies SMART access tokens with nimbus-jose-jwt: a signed JWT (RS256, RS384, ES256 or ES384;
 * never {@code alg: none}, never HMAC, so a token "signed" with a public key as an HMAC secret
 * fails), from a trusted issuer, signed by one of that issuer's keys, meant for this FHIR server
 * ({@code aud}), inside {@code nbf}..{@code exp} give or take {@code clockSkew}.
 *
 * <p>The built-in authorization server is trusted under its configured issuer name or, when none
 * is configured, under the origin the request came to, with its keys read in-process. Its tokens
 * are also checked against {@link RevokedTokens} on every request, verified before or not, so a
 * revocation, a replay or a disabled user stops a token at once rather than at its expiry.
 */
public class JwtTokenVerifier implements TokenVerifier {

	static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS =
			Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.ES256, JWSAlgorithm.ES384);

	private final Map<String, TrustedIssuer> externalIssuers;
	private final Function<String, Optional<TrustedIssuer>> builtinIssuer;
	private final Duration clockSkew;
	private final RevokedTokens revoked;
	/**
	 * One processor per issuer name, built on first use: it holds no per-request state. Bounded:
	 * the built-in issuer's name follows the request's Host header, which the caller chooses.
	 */
	private final Cache<String, DefaultJWTProcessor<SecurityContext>> processors =
			Caffeine.newBuilder().maximumSize(1_000).build();

	/**
	 * @param externalIssuers issuers trusted by name
	 * @param builtinIssuer given the request origin, the built-in issuer if the name matches it
	 */
	public JwtTokenVerifier(
			Collection<TrustedIssuer> externalIssuers,
			Function<String, Optional<TrustedIssuer>> builtinIssuer,
			Duration clockSkew) {
		this(externalIssuers, builtinIssuer, clockSkew, RevokedTokens.NONE);
	}

	/** @param revoked the built-in issuer's withdrawn tokens */
	public JwtTokenVerifier(
			Collection<TrustedIssuer> externalIssuers,
			Function<String, Optional<TrustedIssuer>> builtinIssuer,
			Duration clockSkew,
			RevokedTokens revoked) {
		this.revoked = revoked;
		this.externalIssuers =
				externalIssuers.stream().collect(Collectors.toUnmodifiableMap(TrustedIssuer::issuer, i -> i));
		this.builtinIssuer = builtinIssuer;
		this.clockSkew = clockSkew;
	}

	/**
	 * Tokens already verified, for at most {@link #VERIFIED_TTL} and never past their expiry: a
	 * client sends the same token with every request, and checking its signature each time was the
	 * largest single cost of authentication. Keyed by the token with the audience and origin it was
	 * verified for.
	 */
	private final Cache<String, Verified> verified =
			Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(VERIFIED_TTL).build();

	static final Duration VERIFIED_TTL = Duration.ofMinutes(5);

	/** @param revocable what the revocation list is asked about; null for an external issuer's token */
	private record Verified(AccessToken token, RevokedTokens.Candidate revocable) {}

	@Override
	public AccessToken verify(String token, String audience, String requestOrigin) throws InvalidTokenException {
		String key = audience + "\n" + requestOrigin + "\n" + token;
		Verified known = verified.getIfPresent(key);
		if (known != null && !java.time.Instant.now().isBefore(known.token().expiresAt().plus(clockSkew))) {
			verified.invalidate(key);
			known = null;
		}
		if (known == null) {
			known = verifyUncached(token, audience, requestOrigin);
			verified.put(key, known);
		}
		if (known.revocable() != null) {
			Optional<String> refusal = revoked.refusal(known.revocable());
			if (refusal.isPresent()) {
				throw new InvalidTokenException(refusal.get());
			}
		}
		return known.token();
	}

	private Verified verifyUncached(String token, String audience, String requestOrigin) throws InvalidTokenException {
		SignedJWT jwt = parseSigned(token);
		TrustedIssuer issuer = trustedIssuerOf(jwt, requestOrigin);
		JWTClaimsSet claims = verifiedClaims(jwt, issuer);
		List<String> audiences = claims.getAudience();
		if (audiences == null || audiences.stream().map(JwtTokenVerifier::trimSlash).noneMatch(trimSlash(audience)::equals)) {
			throw new InvalidTokenException("The token's audience (aud) is not this FHIR server (" + audience + ")");
		}
		AccessToken accessToken = TokenClaims.toAccessToken(claims, issuer.claims());
		boolean builtin = !externalIssuers.containsKey(issuer.issuer());
		return new Verified(accessToken, builtin ? new RevokedTokens.Candidate(RevokedTokens.hash(token), accessToken.subject(),
				accessToken.clientId(), claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant()) : null);
	}

	private static SignedJWT parseSigned(String token) throws InvalidTokenException {
		JWT jwt;
		try {
			jwt = JWTParser.parse(token);
		} catch (ParseException e) {
			throw new InvalidTokenException("The bearer token is not a JWT");
		}
		if (!(jwt instanceof SignedJWT signed)) {
			throw new InvalidTokenException("The token is not signed (alg none and encrypted tokens are refused)");
		}
		if (!ACCEPTED_ALGORITHMS.contains(signed.getHeader().getAlgorithm())) {
			throw new InvalidTokenException("The token's algorithm " + signed.getHeader().getAlgorithm()
					+ " is not accepted; use RS256, RS384, ES256 or ES384");
		}
		return signed;
	}

	private TrustedIssuer trustedIssuerOf(SignedJWT jwt, String requestOrigin) throws InvalidTokenException {
		String iss;
		try {
			iss = jwt.getJWTClaimsSet().getIssuer();
		} catch (ParseException e) {
			throw new InvalidTokenException("The token's claims are not valid JSON");
		}
		if (iss == null) {
			throw new InvalidTokenException("The token has no issuer (iss)");
		}
		TrustedIssuer external = externalIssuers.get(iss);
		if (external != null) {
			return external;
		}
		return builtinIssuer
				.apply(requestOrigin)
				.filter(builtin -> builtin.issuer().equals(iss))
				.orElseThrow(() -> new InvalidTokenException("The token's issuer is not trusted: " + iss));
	}

	private JWTClaimsSet verifiedClaims(SignedJWT jwt, TrustedIssuer issuer) throws InvalidTokenException {
		try {
			return processors.get(issuer.issuer(), name -> processorFor(issuer)).process(jwt, null);
		} catch (BadJOSEException e) {
			throw new InvalidTokenException("The token was refused: " + e.getMessage());
		} catch (JOSEException e) {
			throw new InvalidTokenException("The token's signature could not be checked: " + e.getMessage(), e);
		}
	}

	private DefaultJWTProcessor<SecurityContext> processorFor(TrustedIssuer issuer) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ACCEPTED_ALGORITHMS, issuer.keys()));
		DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(
				null, new JWTClaimsSet.Builder().issuer(issuer.issuer()).build(), Set.of("exp", "sub"));
		claimsVerifier.setMaxClockSkew((int) clockSkew.toSeconds());
		processor.setJWTClaimsSetVerifier(claimsVerifier);
		return processor;
	}

	/** The built-in issuer's keys never leave the process; this wraps them for {@link #verify}. */
	public static TrustedIssuer builtin(String issuer, JWKSource<SecurityContext> keys) {
		return new TrustedIssuer(issuer, keys, ClaimNames.SMART);
	}

	private static String trimSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}
}
