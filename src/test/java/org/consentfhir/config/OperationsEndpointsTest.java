package org.consentfhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.testsupport.EndToEndTest;
import org.junit.jupiter.api.Test;

/** What operators and API consumers get besides FHIR: probes, metrics, the OpenAPI description. */
class OperationsEndpointsTest extends EndToEndTest {

	@Test
	void reportsLivenessAndReadinessIncludingTheDatabase() {
		HttpResponse<String> liveness = get("/actuator/health/liveness");
		assertThat(liveness.statusCode()).isEqualTo(200);
		assertThat(liveness.body()).contains("\"status\":\"UP\"");

		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(readiness.body()).contains("\"db\"").contains("\"readinessState\"");
	}

	@Test
	void exposesPrometheusMetrics() {
		get("/fhir/metadata");
		HttpResponse<String> metrics = get("/actuator/prometheus");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("hikaricp_connections");
	}

	@Test
	void servesTheOpenApiDescriptionAndSwaggerUi() {
		HttpResponse<String> apiDocs = get("/fhir/api-docs");
		assertThat(apiDocs.statusCode()).isEqualTo(200);
		assertThat(apiDocs.body()).contains("openapi: 3").contains("/Patient");

		HttpResponse<String> swagger = get("/fhir/swagger-ui/", "Accept", "text/html");
		assertThat(swagger.statusCode()).isEqualTo(200);
		assertThat(swagger.body()).containsIgnoringCase("swagger");
	}
}
