package org.consentfhir.config;

import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * The server's application context: Spring Boot's servlet web server context, with its bean definitions
 * frozen when the web server is created rather than just after.
 *
 * <p>Why: the web server's servlet registrations need HAPI's {@code RestfulServer}, so creating the web
 * server ({@code onRefresh}) creates nearly every HAPI bean: 146 resource DAOs and providers with a
 * dozen autowired fields each. Spring caches "which beans are of this type" only once the definitions
 * are frozen, which it does after {@code onRefresh}; before that each of those thousands of lookups
 * walks all of the ~1,000 bean definitions: about 2.5 s of a 22 s start (BENCHMARKS.md). By the time
 * the web server is created every bean factory post-processor has run and every bean post-processor is
 * registered, so no definition or type prediction changes afterwards; a definition registered later
 * still clears the cache, as in Spring's own frozen phase.
 *
 * <p>Registered in {@code META-INF/spring.factories}, so every start of the server uses it ({@code java
 * -jar}, the tests' {@code SpringApplicationBuilder}); for other application types it yields to
 * Spring Boot's own factories.
 */
public class FrozenDefinitionsContextFactory implements ApplicationContextFactory, Ordered {

	@Override
	public ConfigurableApplicationContext create(WebApplicationType webApplicationType) {
		return webApplicationType == WebApplicationType.SERVLET ? new FrozenOnRefreshContext() : null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	static class FrozenOnRefreshContext extends AnnotationConfigServletWebServerApplicationContext {

		@Override
		protected void onRefresh() {
			getBeanFactory().freezeConfiguration();
			super.onRefresh();
		}
	}
}
