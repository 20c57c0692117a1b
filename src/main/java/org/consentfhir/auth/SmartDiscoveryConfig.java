package org.consentfhir.auth;

import java.util.function.Function;
import org.consentfhir.interceptors.auth.SmartCapabilityStatementInterceptor;
import org.consentfhir.interceptors.auth.SmartEndpoints;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How SMART clients discover the authorization server: the .well-known document and the CapabilityStatement. */
@Configuration
public class SmartDiscoveryConfig {

	/** The built-in server's endpoints under its configured issuer, or under the origin a request came to. */
	@Bean
	Function<String, SmartEndpoints> smartEndpoints(AuthProperties auth) {
		AuthProperties.BuiltinServer builtin = auth.builtinServer();
		if (!builtin.enabled()) {
			return origin -> null;
		}
		return origin -> SmartEndpoints.underIssuer(
				builtin.issuer() == null || builtin.issuer().isBlank() ? origin : builtin.issuer());
	}

	@Bean
	FilterRegistrationBean<SmartConfigurationFilter> smartConfiguration(
			Function<String, SmartEndpoints> smartEndpoints, AuthProperties auth) {
		FilterRegistrationBean<SmartConfigurationFilter> registration =
				new FilterRegistrationBean<>(new SmartConfigurationFilter(smartEndpoints, auth.passwordGrantEnabled()));
		registration.addUrlPatterns(SmartConfigurationFilter.PATH);
		return registration;
	}

	@Bean
	SmartCapabilityStatementInterceptor smartCapabilityStatementInterceptor(Function<String, SmartEndpoints> smartEndpoints) {
		return new SmartCapabilityStatementInterceptor(smartEndpoints);
	}
}
