package org.consentfhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A web server alone, started as the server starts: through Spring Boot's application context factories. */
class FrozenDefinitionsContextFactoryTest {

	static final AtomicBoolean frozenWhenTheWebServerWasCreated = new AtomicBoolean();

	@Configuration(proxyBeanMethods = false)
	static class WebServerOnly {

		@Bean
		TomcatServletWebServerFactory webServerFactory() {
			return new TomcatServletWebServerFactory(0);
		}

		/** Created with the web server, as the FHIR servlet's registration and everything it needs are. */
		@Bean
		ServletContextInitializer probe(ConfigurableListableBeanFactory beanFactory) {
			frozenWhenTheWebServerWasCreated.set(beanFactory.isConfigurationFrozen());
			return servletContext -> {};
		}
	}

	@Test
	void definitionsAreFrozenBeforeTheWebServerCreatesItsServletsSoTypeLookupsAreCached() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebServerOnly.class)
				.web(WebApplicationType.SERVLET)
				.run("--server.port=0", "--spring.main.banner-mode=off")) {

			assertThat(context).isInstanceOf(FrozenDefinitionsContextFactory.FrozenOnRefreshContext.class);
			assertThat(frozenWhenTheWebServerWasCreated).isTrue();
		}
	}
}
