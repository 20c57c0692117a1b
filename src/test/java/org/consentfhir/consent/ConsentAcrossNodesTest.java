package org.consentfhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.consentfhir.ConsentFhirServer;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.PostgresDatabase;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two server nodes (two application contexts) on one PostgreSQL database: a Consent granted or
 * revoked through one node decides the very next request on the other, although the other had the
 * patient's Consents cached; an alert rule added through one node applies on the other within seconds.
 */
@Tag("postgres")
@EnabledIf("org.consentfhir.testsupport.PostgresDatabase#available")
class ConsentAcrossNodesTest {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static ConfigurableApplicationContext nodeA;
	private static ConfigurableApplicationContext nodeB;
	private static String baseA;
	private static String baseB;

	@BeforeAll
	static void twoNodesOnOneDatabase() {
		String database = PostgresDatabase.newDatabase();
		nodeA = start(database, "node-a");
		nodeB = start(database, "node-b");
		baseA = base(nodeA);
		baseB = base(nodeB);
	}

	@AfterAll
	static void stop() {
		nodeB.close();
		nodeA.close();
	}

	@Test
	void aRevocationThroughOneNodeDecidesTheNextRequestOnTheOther() throws Exception {
		// both nodes answer for the same public base URL, as behind a load balancer
		Clinic clinic = new Clinic(EndToEndTest.systemClient(baseA, "http://fhir.test/fhir"), "http://fhir.test/fhir");
		String patient = clinic.patient("Nodes");
		String doctor = clinic.doctorToken();
		assertThat(read(baseB, patient, doctor)).isEqualTo(403);

		String consent = clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		assertThat(read(baseB, patient, doctor)).isEqualTo(200);
		assertThat(read(baseB, patient, doctor)).isEqualTo(200);

		clinic.revoke(consent);

		assertThat(read(baseB, patient, doctor)).isEqualTo(403);
		assertThat(read(baseA, patient, doctor)).isEqualTo(403);
	}

	@Test
	void anAlertRuleAddedThroughOneNodeAppliesOnTheOtherWithinSeconds() throws Exception {
		var nodeAClient = EndToEndTest.systemClient(baseA, "http://fhir.test/fhir");
		var nodeBClient = EndToEndTest.systemClient(baseB, "http://fhir.test/fhir");
		String patient = new Clinic(nodeAClient, "http://fhir.test/fhir").patient("Rules");
		String code = "rule-" + java.util.UUID.randomUUID();
		nodeBClient.create().resource(reading(patient, code, 0)).execute(); // node B has read its rules: none for this code

		ObservationDefinition rule = new ObservationDefinition();
		rule.getCode().addCoding(new Coding("urn:test:vitals", code, null));
		rule.addPermittedDataType(ObservationDefinition.ObservationDataType.QUANTITY);
		rule.addQualifiedInterval().setCondition("Too high").setRange(new Range().setHigh(new Quantity().setValue(10)));
		String admin = org.consentfhir.testsupport.TestIssuer.get().token("http://fhir.test/fhir", "user/ObservationDefinition.cruds",
				c -> c.subject("admin").claim("role", "admin").claim("client_id", "admin-app"));
		HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(baseA + "/ObservationDefinition"))
				.header("Authorization", "Bearer " + admin).header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser()
						.encodeResourceToString(rule))).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

		long deadline = System.nanoTime() + 15_000_000_000L;
		int flags = 0;
		for (int minute = 1; flags == 0 && System.nanoTime() < deadline; minute++) {
			nodeBClient.create().resource(reading(patient, code, minute)).execute();
			flags = nodeBClient.search().byUrl("Flag?patient=Patient/" + patient).returnBundle(Bundle.class).execute().getEntry().size();
			Thread.sleep(250);
		}
		assertThat(flags).isEqualTo(1);
	}

	private static Observation reading(String patient, String code, int minute) {
		Observation reading = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		reading.getCode().addCoding(new Coding("urn:test:vitals", code, null));
		reading.setSubject(new Reference("Patient/" + patient));
		reading.setEffective(new DateTimeType("2026-01-01T10:" + String.format("%02d", minute % 60) + ":00Z"));
		reading.setValue(new Quantity().setValue(11).setSystem("http://unitsofmeasure.org").setCode("/min"));
		return reading;
	}

	private static int read(String base, String patient, String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/Patient/" + patient))
				.header("Authorization", "Bearer " + token).GET().build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		return response.statusCode();
	}

	private static ConfigurableApplicationContext start(String database, String name) {
		List<String> args = new ArrayList<>(List.of(
				"--server.port=0",
				"--fhir.storage.data-dir=" + EndToEndTest.newDataDir(name),
				"--fhir.server.public-base-url=http://fhir.test/fhir",
				"--spring.datasource.url=" + database,
				"--spring.datasource.username=" + PostgresDatabase.user(),
				"--spring.datasource.password=" + PostgresDatabase.password()));
		args.addAll(List.of(EndToEndTest.trustTestIssuerArgs()));
		return new SpringApplicationBuilder(ConsentFhirServer.class).run(args.toArray(String[]::new));
	}

	private static String base(ConfigurableApplicationContext node) {
		return "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort() + "/fhir";
	}
}
