package org.consentfhir.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Servlet-level guards in front of the FHIR endpoint. */
@Configuration
class WebConfig {

	@Bean
	FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(FhirServerProperties properties) {
		FilterRegistrationBean<RequestBodyLimitFilter> registration =
				new FilterRegistrationBean<>(new RequestBodyLimitFilter(properties.maxRequestSize().toBytes()));
		registration.addUrlPatterns("/fhir/*");
		return registration;
	}
}
