package org.consentfhir.auth;

import ca.uhn.fhir.jpa.searchparam.matcher.AuthorizationSearchParamMatcher;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import java.util.Optional;
import org.consentfhir.interceptors.auth.FhirOperation;
import org.consentfhir.web.FhirServerProperties;
import org.consentfhir.interceptors.auth.BearerTokenAuthenticationInterceptor;
import org.consentfhir.interceptors.auth.CachingJwksSource;
import org.consentfhir.interceptors.auth.ClaimNames;
import org.consentfhir.interceptors.auth.JwtTokenVerifier;
import org.consentfhir.interceptors.auth.RevokedTokens;
import org.consentfhir.interceptors.auth.ScopeFilterNarrowingInterceptor;
import org.consentfhir.interceptors.auth.ScopeRules;
import org.consentfhir.interceptors.auth.SmartAuthorizationInterceptor;
import org.consentfhir.interceptors.auth.SmartSearchNarrowingInterceptor;
import org.consentfhir.interceptors.auth.TokenVerifier;
import org.consentfhir.interceptors.auth.TrustedIssuer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The FHIR endpoint as an OAuth 2 resource server: which issuers are trusted and the policy
 * interceptors (authentication, authorization by scope, search narrowing) that the FHIR endpoint
 * registers while {@code fhir.server.policy-enabled} is on (with the filter narrowing of
 * query-filtered scopes). The built-in issuer's tokens are also held against the {@link RevocationList}.
 */
@Configuration
public class ResourceServerConfig {

	/** Present with the built-in authorization server, whose tokens it withdraws. */
	@Bean
	@ConditionalOnProperty(prefix = "fhir.auth.builtin-server", name = "enabled", havingValue = "true", matchIfMissing = true)
	RevocationList revocationList(DataSource dataSource) {
		return new RevocationList(dataSource, Clock.systemUTC());
	}

	@Bean
	TokenVerifier tokenVerifier(AuthProperties auth, ObjectProvider<BuiltinIssuer> builtinIssuer,
			ObjectProvider<RevocationList> revocations) {
		List<TrustedIssuer> external = auth.trustedIssuers().stream()
				.map(issuer -> new TrustedIssuer(
						issuer.issuer(),
						new CachingJwksSource(issuer.jwksUri(), auth.jwksCacheTtl(), auth.jwksMinRefetchInterval()),
						new ClaimNames(issuer.scopeClaim(), issuer.patientClaim(), issuer.fhirUserClaim(),
								issuer.roleClaim(), issuer.clientIdClaim())))
				.toList();
		BuiltinIssuer builtin = builtinIssuer.getIfAvailable();
		return new JwtTokenVerifier(
				external,
				origin -> builtin == null ? Optional.empty() : Optional.of(builtin.trustedAt(origin)),
				auth.clockSkew(),
				Optional.<RevokedTokens>ofNullable(revocations.getIfAvailable()).orElse(RevokedTokens.NONE));
	}

	@Bean
	BearerTokenAuthenticationInterceptor bearerTokenAuthenticationInterceptor(
			TokenVerifier verifier, FhirServerProperties server) {
		return new BearerTokenAuthenticationInterceptor(verifier, server.publicBaseUrl());
	}

	@Bean
	SmartAuthorizationInterceptor smartAuthorizationInterceptor(SearchParamMatcher searchParamMatcher, List<FhirOperation> operations) {
		return new SmartAuthorizationInterceptor(new AuthorizationSearchParamMatcher(searchParamMatcher),
				new ScopeRules(operations.stream().flatMap(operation -> operation.accessRules().stream()).toList()));
	}

	@Bean
	ScopeFilterNarrowingInterceptor scopeFilterNarrowingInterceptor() {
		return new ScopeFilterNarrowingInterceptor();
	}

	@Bean
	SmartSearchNarrowingInterceptor smartSearchNarrowingInterceptor() {
		return new SmartSearchNarrowingInterceptor();
	}
}
