package org.consentfhir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The consent-first FHIR R4 server: HAPI FHIR JPA storage behind a HAPI RestfulServer at {@code /fhir}.
 *
 * <p>Spring Boot's own JPA auto-configuration is switched off: HAPI brings its entities, repositories and
 * entity manager factory, wired in {@link org.consentfhir.storage.JpaStorageConfig}. The Elasticsearch
 * client that HAPI's Hibernate Search dependency brings along is never used (full-text search is local
 * Lucene), and Flyway, also on the class path through HAPI, never touches the database: HAPI's own
 * migrator owns the schema. HAPI runs its own Quartz schedulers and renders no Thymeleaf pages, so
 * Boot's auto-configuration of both stays off. The built-in authorization server is wired by
 * {@link org.consentfhir.auth.server.AuthorizationServerConfig}, not by Boot's defaults.
 */
@SpringBootApplication(
		exclude = {
			HibernateJpaAutoConfiguration.class,
			JpaRepositoriesAutoConfiguration.class,
			ElasticsearchRestClientAutoConfiguration.class,
			FlywayAutoConfiguration.class,
			QuartzAutoConfiguration.class,
			ThymeleafAutoConfiguration.class,
			OAuth2AuthorizationServerAutoConfiguration.class,
			OAuth2AuthorizationServerJwtAutoConfiguration.class
		})
@ConfigurationPropertiesScan
public class ConsentFhirServer {

	public static void main(String[] args) {
		SpringApplication.run(ConsentFhirServer.class, args);
	}
}
