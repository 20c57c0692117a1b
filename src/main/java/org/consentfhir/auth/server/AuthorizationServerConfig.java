package org.consentfhir.auth.server;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.consentfhir.auth.AuthProperties;
import org.consentfhir.auth.BuiltinIssuer;
import org.consentfhir.auth.CorsConfig.SmartAppCors;
import org.consentfhir.auth.RevocationList;
import org.consentfhir.web.FhirServerProperties;
import org.consentfhir.storage.StorageProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcClientRegistrationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * The built-in OAuth 2 / SMART authorization server, on Spring Authorization Server (on unless
 * {@code fhir.auth.builtin-server.enabled=false}). Endpoints: {@code /oauth2/authorize},
 * {@code /oauth2/token}, {@code /oauth2/jwks}, {@code /oauth2/revoke}, {@code /oauth2/introspect},
 * {@code /connect/register}, {@code /userinfo}, OpenID discovery, and the sign-in page {@code /login}.
 *
 * <p>Clients live in the database ({@code oauth2_registered_client}), users in {@code fhir_auth_user}
 * (Argon2id hashes), signing keys in the data directory. Issued authorizations (refresh tokens,
 * consents) are kept in memory: a restart signs everyone out, and with several nodes a refresh must
 * reach the node that issued it. What is revoked, replayed or disabled reaches every node through the
 * {@link RevocationList} in the database.
 */
@Configuration
@ConditionalOnProperty(prefix = "fhir.auth.builtin-server", name = "enabled", havingValue = "true", matchIfMissing = true)
public class AuthorizationServerConfig {

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerEndpoints(
			HttpSecurity http,
			PasswordGrantAuthenticationProvider passwordGrant,
			SmartTokenResponse tokenResponse,
			JwtClientAssertionDecoderFactory clientAssertionDecoders,
			ClientBootstrap registeredClients,
			AdminAudit adminAudit,
			UserAccounts accounts,
			RevocationList revocations,
			SmartAppCors corsSource)
			throws Exception {
		OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
		// and the token endpoint's CORS preflight, which Spring's matcher (POST only) leaves to the deny-all chain
		http.securityMatcher(new OrRequestMatcher(server.getEndpointsMatcher(), new AntPathRequestMatcher("/oauth2/token", "OPTIONS")))
				.with(server, s -> s.oidc(oidc -> oidc.clientRegistrationEndpoint(registration -> registration
								.authenticationProviders(providers -> providers.forEach(p -> {
									if (p instanceof OidcClientRegistrationAuthenticationProvider registrations) {
										registrations.setRegisteredClientConverter(registeredClients::fromRegistration);
									}
								}))
								.clientRegistrationResponseHandler(new RegistrationResponse(adminAudit))
								.errorResponseHandler(new RegistrationErrorResponse())))
						.tokenEndpoint(token -> token.accessTokenRequestConverter(new PasswordGrant.Converter())
								.authenticationProvider(passwordGrant)
								.accessTokenResponseHandler(tokenResponse))
						.clientAuthentication(client -> client
								.authenticationConverters(converters -> converters.add(0, new ClientAssertionWithoutClientId()))
								.authenticationProviders(providers -> providers.forEach(p -> {
									if (p instanceof JwtClientAssertionAuthenticationProvider assertions) {
										assertions.setJwtDecoderFactory(clientAssertionDecoders);
									}
								}))))
				// the same anchor as Spring's authorization endpoint filter; added first, so they run first
				.addFilterBefore(new SignedInAccountCheck(accounts, revocations), AbstractPreAuthenticatedProcessingFilter.class)
				.addFilterBefore(new PatientPicker(), AbstractPreAuthenticatedProcessingFilter.class)
				.authorizeHttpRequests(a -> a.anyRequest().authenticated())
				.cors(cors -> cors.configurationSource(corsSource)) // the token endpoint only, see CorsConfig
				.oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults()))
				.exceptionHandling(e -> e
						// a browser at the authorization endpoint signs in; everyone else gets 401
						.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), new AndRequestMatcher(
								new AntPathRequestMatcher("/oauth2/authorize"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
						.defaultAuthenticationEntryPointFor(new BearerTokenAuthenticationEntryPoint(), AnyRequestMatcher.INSTANCE));
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain signInPage(HttpSecurity http, UserAuthenticator users, UserAccounts accounts, RevocationList revocations)
			throws Exception {
		return http.securityMatcher("/login", "/logout", "/default-ui.css", "/launch/**")
				// the patient picker shows names: a disabled user's session ends here too
				.addFilterBefore(new SignedInAccountCheck(accounts, revocations), AbstractPreAuthenticatedProcessingFilter.class)
				.authenticationProvider(users)
				.authorizeHttpRequests(a -> a.requestMatchers("/launch/**").authenticated().anyRequest().permitAll())
				.formLogin(Customizer.withDefaults())
				.build();
	}

	@Bean
	AuthSchema authSchema(DataSource dataSource) {
		return new AuthSchema(dataSource);
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(AuthSchema schema) {
		return new JdbcRegisteredClientRepository(schema.jdbc());
	}

	@Bean
	UserAccounts userAccounts(AuthSchema schema) {
		return new UserAccounts(schema.jdbc());
	}

	/** Argon2id (BouncyCastle) for user passwords and client secrets; hashes say their scheme, {@code {argon2}…}. */
	@Bean
	PasswordEncoder passwordEncoder() {
		return new DelegatingPasswordEncoder("argon2", Map.of("argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
	}

	@Bean
	UserAuthenticator userAuthenticator(UserAccounts accounts, PasswordEncoder encoder, AuthProperties auth,
			ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink auditSink) {
		UserAuthenticator users =
				new UserAuthenticator(accounts, encoder, auth.lockout().maxFailures(), auth.lockout().duration(), Clock.systemUTC());
		users.auditWith(new SignInAudit(auditSink));
		return users;
	}

	@Bean
	AdminAudit adminAudit(ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink auditSink) {
		return new AdminAudit(auditSink);
	}

	@Bean
	SigningKeys signingKeys(StorageProperties storage, AuthProperties auth) {
		return SigningKeys.loadOrCreate(
				Path.of(storage.dataDir(), "auth", "signing-keys.json"), auth.builtinServer().keyRotation(), Clock.systemUTC());
	}

	@Bean
	JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
		return keys.source();
	}

	@Bean
	BuiltinIssuer builtinIssuer(SigningKeys keys, AuthProperties auth) {
		return new BuiltinIssuer(auth.builtinServer().issuer(), keys.source());
	}

	@Bean
	JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
		return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings(AuthProperties auth) {
		String issuer = auth.builtinServer().issuer();
		AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
		return (issuer == null || issuer.isBlank() ? settings : settings.issuer(issuer)).build();
	}

	/** In memory, with revocations and replays carried to the {@link RevocationList} that every node reads. */
	@Bean
	OAuth2AuthorizationService authorizationService(RevocationList revocations, AuthProperties auth) {
		return new RevokingAuthorizationService(new InMemoryOAuth2AuthorizationService(), revocations,
				auth.builtinServer().refreshTokenTtl());
	}

	@Bean
	OAuth2AuthorizationConsentService authorizationConsentService() {
		return new InMemoryOAuth2AuthorizationConsentService();
	}

	@Bean
	OAuth2TokenGenerator<?> tokenGenerator(JWKSource<SecurityContext> jwkSource, SigningKeys keys, FhirServerProperties server,
			UserAccounts accounts, LaunchContexts launchContexts, RevocationList revocations) {
		JwtGenerator jwts = new JwtGenerator(new NimbusJwtEncoder(jwkSource));
		jwts.setJwtCustomizer(new SmartTokenCustomizer(keys, server.publicBaseUrl(), accounts, launchContexts, revocations));
		return new DelegatingOAuth2TokenGenerator(jwts, new OAuth2AccessTokenGenerator(), new OfflineAccessRefreshTokens());
	}

	@Bean
	PasswordGrantAuthenticationProvider passwordGrantAuthenticationProvider(
			AuthProperties auth, UserAuthenticator users, OAuth2AuthorizationService authorizations,
			OAuth2TokenGenerator<?> tokens) {
		return new PasswordGrantAuthenticationProvider(auth.passwordGrantEnabled(), users, authorizations, tokens);
	}

	@Bean
	SmartTokenResponse smartTokenResponse() {
		return new SmartTokenResponse();
	}

	@Bean
	JwtClientAssertionDecoderFactory clientAssertionDecoders() {
		JwtClientAssertionDecoderFactory factory = new JwtClientAssertionDecoderFactory();
		ClientAssertionReplayGuard replayGuard = new ClientAssertionReplayGuard(Clock.systemUTC());
		factory.setJwtValidatorFactory(client -> new DelegatingOAuth2TokenValidator<>(
				JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client), replayGuard));
		return factory;
	}

	@Bean
	ClientBootstrap clientBootstrap(
			RegisteredClientRepository clients, PasswordEncoder encoder, AuthProperties auth, StorageProperties storage,
			org.springframework.core.io.ResourceLoader resources) {
		return new ClientBootstrap(clients, encoder, auth, Path.of(storage.dataDir(), "auth"), resources);
	}

	@Bean
	LaunchContexts launchContexts() {
		return new LaunchContexts();
	}

	@Bean
	AdminTokens adminTokens(org.consentfhir.interceptors.auth.TokenVerifier verifier, FhirServerProperties server) {
		return new AdminTokens(verifier, server);
	}

	/** Creates the server's tables when missing; other beans take it to run after it. */
	public static final class AuthSchema {
		private final JdbcTemplate jdbc;

		AuthSchema(DataSource dataSource) {
			new ResourceDatabasePopulator(new ClassPathResource("auth/schema.sql")).execute(dataSource);
			this.jdbc = new JdbcTemplate(dataSource);
		}

		JdbcTemplate jdbc() {
			return jdbc;
		}
	}
}
