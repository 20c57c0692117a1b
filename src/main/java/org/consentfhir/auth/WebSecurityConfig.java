package org.consentfhir.auth;

import org.consentfhir.auth.CorsConfig.SmartAppCors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * Spring Security's part. The FHIR endpoint and the admin API check bearer tokens themselves (the
 * FHIR endpoint through HAPI interceptors), so Spring Security only keeps them stateless and free of
 * CSRF and sessions, and answer CORS for the configured origins ({@link CorsConfig}); health probes
 * and metrics are open. The built-in authorization server adds its own chains (its endpoints and the
 * sign-in page, the one place with a session). Anything else is refused.
 */
@Configuration
public class WebSecurityConfig {

	@Bean
	@Order(10)
	SecurityFilterChain bearerTokenEndpoints(HttpSecurity http, SmartAppCors corsSource) throws Exception {
		return http.securityMatcher(new OrRequestMatcher(
						// Ant matchers: /fhir is HAPI's servlet, not Spring MVC's
						new AntPathRequestMatcher("/fhir/**"),
						new AntPathRequestMatcher("/admin/**"),
						new AntPathRequestMatcher("/actuator/**")))
				.authorizeHttpRequests(a -> a.anyRequest().permitAll())
				.cors(cors -> cors.configurationSource(corsSource))
				.csrf(AbstractHttpConfigurer::disable)
				.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.requestCache(AbstractHttpConfigurer::disable)
				.securityContext(AbstractHttpConfigurer::disable)
				.anonymous(AbstractHttpConfigurer::disable)
				.build();
	}

	@Bean
	@Order(100)
	SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests(a -> a.requestMatchers("/error").permitAll().anyRequest().denyAll())
				.build();
	}
}
