package org.consentfhir.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * SMART authorization settings, bound from {@code fhir.auth.*} (environment {@code FHIR_AUTH_*}).
 * Every property is in the README's configuration table.
 *
 * @param clockSkew        tolerance on a token's {@code exp} and {@code nbf}
 * @param trustedIssuers   external identity providers whose tokens are accepted
 * @param jwksCacheTtl     how long an external issuer's key set is kept
 * @param jwksMinRefetchInterval an unknown {@code kid} refetches the key set at most this often
 * @param builtinServer    the built-in authorization server
 * @param passwordGrantEnabled allows the resource-owner password grant for clients registered with it
 * @param lockout          how many failed sign-ins lock an account, and for how long
 * @param rateLimit        requests allowed per client and per address
 * @param cors             which browser origins may call the FHIR endpoint and the token endpoint
 */
@Validated
@ConfigurationProperties(prefix = "fhir.auth")
public record AuthProperties(
		Duration clockSkew,
		@Valid List<Issuer> trustedIssuers,
		Duration jwksCacheTtl,
		Duration jwksMinRefetchInterval,
		@Valid BuiltinServer builtinServer,
		boolean passwordGrantEnabled,
		@Valid Lockout lockout,
		@Valid RateLimit rateLimit,
		@Valid Cors cors) {

	public AuthProperties {
		clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
		trustedIssuers = trustedIssuers == null ? List.of() : List.copyOf(trustedIssuers);
		jwksCacheTtl = jwksCacheTtl == null ? Duration.ofMinutes(10) : jwksCacheTtl;
		jwksMinRefetchInterval = jwksMinRefetchInterval == null ? Duration.ofSeconds(30) : jwksMinRefetchInterval;
		builtinServer = builtinServer == null ? new BuiltinServer(true, null, null, null, null, null, null, null) : builtinServer;
		lockout = lockout == null ? new Lockout(5, Duration.ofMinutes(15)) : lockout;
		rateLimit = rateLimit == null ? new RateLimit(true, 6000, 6000, 60, false) : rateLimit;
		cors = cors == null ? new Cors(List.of()) : cors;
	}

	/**
	 * Cross-origin access for SMART browser apps, by exact origin ({@code https://app.example.org});
	 * none by default. Never with credentials: a bearer token is sent by the app, not by the browser.
	 *
	 * @param allowedOrigins the origins answered with CORS headers
	 */
	public record Cors(List<@jakarta.validation.constraints.Pattern(regexp = "^https?://[^/*\\s]+$",
			message = "must be an origin such as https://app.example.org (no path, no wildcard)") String> allowedOrigins) {
		public Cors {
			allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
		}
	}

	/** @param maxFailures failed sign-ins in a row that lock an account; @param duration how long it stays locked */
	public record Lockout(@Min(1) int maxFailures, Duration duration) {
		public Lockout {
			duration = duration == null ? Duration.ofMinutes(15) : duration;
		}
	}

	/**
	 * Fixed one-minute windows; over the limit is 429 with {@code Retry-After}.
	 *
	 * @param perClientPerMinute FHIR requests per OAuth client
	 * @param perAddressPerMinute FHIR requests per remote address
	 * @param tokenEndpointPerAddressPerMinute token, authorize and login requests per remote address
	 * @param exemptLoopback no limits for requests from 127.0.0.1 / ::1
	 */
	public record RateLimit(
			boolean enabled,
			@Min(1) int perClientPerMinute,
			@Min(1) int perAddressPerMinute,
			@Min(1) int tokenEndpointPerAddressPerMinute,
			boolean exemptLoopback) {}

	/**
	 * An external issuer. Claim names default to SMART's ({@code scope}, {@code patient},
	 * {@code fhirUser}, {@code role}, {@code client_id}).
	 */
	public record Issuer(
			@NotBlank String issuer,
			URI jwksUri,
			String scopeClaim,
			String patientClaim,
			String fhirUserClaim,
			String roleClaim,
			String clientIdClaim) {}

	/**
	 * @param enabled         serve the built-in authorization server
	 * @param issuer          its issuer name (a URL); blank: the origin each request comes to
	 * @param accessTokenTtl  lifetime of access tokens
	 * @param refreshTokenTtl lifetime of refresh tokens
	 * @param keyRotation     a signing key older than this is replaced by a new one (new {@code kid}) at start
	 * @param adminClientId   the bootstrap admin client; blank: generated at first start
	 * @param adminClientSecret its secret; blank: generated at first start, stored hashed and kept in {@code <data-dir>/auth/admin-client.properties}
	 * @param clientsFile     a JSON file of clients registered (or updated) at start; blank: none
	 */
	public record BuiltinServer(
			Boolean enabled,
			String issuer,
			Duration accessTokenTtl,
			Duration refreshTokenTtl,
			Duration keyRotation,
			String adminClientId,
			String adminClientSecret,
			String clientsFile) {

		public BuiltinServer {
			enabled = enabled == null || enabled;
			accessTokenTtl = accessTokenTtl == null ? Duration.ofMinutes(15) : accessTokenTtl;
			refreshTokenTtl = refreshTokenTtl == null ? Duration.ofDays(30) : refreshTokenTtl;
			keyRotation = keyRotation == null ? Duration.ofDays(90) : keyRotation;
		}
	}
}
