package org.consentfhir.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * CORS for SMART browser apps ({@code fhir.auth.cors.allowed-origins}), with Spring's own support:
 * the security chains of the FHIR endpoint and of the authorization server apply {@link SmartAppCors},
 * so a preflight is answered before any token check. Only the FHIR endpoint and the token endpoint,
 * only the listed origins (any other gets no CORS header, and the browser keeps the answer from the
 * page), and never {@code Access-Control-Allow-Credentials}: the app sends its bearer token itself,
 * so no cookie (the sign-in session above all) is ever to be sent cross-origin.
 */
@Configuration
public class CorsConfig {

	@Bean
	SmartAppCors smartAppCors(AuthProperties auth) {
		return new SmartAppCors(auth.cors().allowedOrigins());
	}

	/**
	 * Matched on the request URI, not Spring MVC's lookup path: {@code /fhir} is HAPI's servlet,
	 * whose lookup path would leave the {@code /fhir} out.
	 */
	public static final class SmartAppCors implements CorsConfigurationSource {

		private final CorsConfiguration fhir;
		private final CorsConfiguration token;

		SmartAppCors(List<String> origins) {
			fhir = origins.isEmpty() ? null : configuration(origins,
					List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
					List.of("Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Match", "If-None-Exist",
							"If-Modified-Since", "X-Purpose-Of-Use", "X-Break-Glass-Reason"),
					List.of("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate", "Retry-After"));
			token = origins.isEmpty() ? null : configuration(origins, List.of("POST", "OPTIONS"),
					List.of("Authorization", "Content-Type", "Accept"), List.of());
		}

		@Override
		public CorsConfiguration getCorsConfiguration(HttpServletRequest request) {
			String path = request.getRequestURI().substring(request.getContextPath().length());
			if (path.equals("/fhir") || path.startsWith("/fhir/")) {
				return fhir;
			}
			return path.equals("/oauth2/token") ? token : null;
		}

		private static CorsConfiguration configuration(List<String> origins, List<String> methods, List<String> headers,
				List<String> exposed) {
			CorsConfiguration cors = new CorsConfiguration();
			cors.setAllowedOrigins(origins);
			cors.setAllowedMethods(methods);
			cors.setAllowedHeaders(headers);
			cors.setExposedHeaders(exposed);
			cors.setAllowCredentials(false);
			cors.setMaxAge(Duration.ofMinutes(30));
			return cors;
		}
	}
}
