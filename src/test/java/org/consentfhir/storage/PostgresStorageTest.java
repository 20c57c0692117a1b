package org.consentfhir.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import javax.sql.DataSource;
import org.consentfhir.ConsentFhirServer;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.TestIssuer;
import org.consentfhir.testsupport.PostgresDatabase;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The PostgreSQL tier: the same application on a real PostgreSQL database, for what depends on the
 * database: HAPI's migrations creating the schema, inline storage, transaction rollback, search SQL.
 */
@Tag("postgres")
@EnabledIf("org.consentfhir.testsupport.PostgresDatabase#available")
@SpringBootTest(classes = ConsentFhirServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresStorageTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final Path DATA_DIR = EndToEndTest.newDataDir("pg");
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	DataSource dataSource;

	@Autowired
	DatabaseKind databaseKind;

	IGenericClient client;

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry);
		registry.add("fhir.storage.data-dir", DATA_DIR::toString);
		registry.add("fhir.storage.fulltext-enabled", () -> "true");
		EndToEndTest.trustTestIssuer(registry);
	}

	@BeforeEach
	void connect() {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		client = EndToEndTest.systemClient("http://localhost:" + port + "/fhir");
	}

	@Test
	void createsTheSchemaWithHapisMigrationTasks() {
		assertThat(databaseKind).isEqualTo(DatabaseKind.POSTGRES);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		Integer applied = jdbc.queryForObject("SELECT count(*) FROM \"FLY_HFJ_MIGRATION\" WHERE \"success\"", Integer.class);
		assertThat(applied).isPositive();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM information_schema.tables WHERE table_name = 'hfj_resource'",
						Integer.class))
				.isEqualTo(1);
	}

	@Test
	void storesSmallResourcesInlineAndReadsThemBack() {
		String family = unique("Pg");
		Patient patient = new Patient();
		patient.addName().setFamily(family).addGiven("Kavya");
		String id = client.create().resource(patient).execute().getId().getIdPart();

		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		String inline = jdbc.queryForObject(
				"SELECT res_text_vc FROM hfj_res_ver v JOIN hfj_resource r ON r.res_id = v.res_id "
						+ "WHERE r.fhir_id = ? AND v.res_ver = 1",
				String.class,
				id);
		assertThat(inline).contains(family);

		assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
				.isEqualTo(family);
		assertThat(count("Patient?family=" + family + "&given=kavya")).isEqualTo(1);
		assertThat(count("Patient?_content=" + family)).isEqualTo(1);
	}

	@Test
	void conditionalCreateIsIdempotent() {
		String mrn = unique("mrn");
		Patient patient = new Patient();
		patient.addIdentifier().setSystem("urn:test:mrn").setValue(mrn);
		String first = client.create().resource(patient).conditionalByUrl("Patient?identifier=urn:test:mrn|" + mrn)
				.execute().getId().getIdPart();
		String second = client.create().resource(patient).conditionalByUrl("Patient?identifier=urn:test:mrn|" + mrn)
				.execute().getId().getIdPart();
		assertThat(second).isEqualTo(first);
		assertThat(count("Patient?identifier=urn:test:mrn|" + mrn)).isEqualTo(1);
	}

	@Test
	void rollsBackATransactionWithOneBadEntry() throws Exception {
		String family = unique("PgAtomic");
		String transaction = """
				{"resourceType":"Bundle","type":"transaction","entry":[
				 {"resource":{"resourceType":"Patient","name":[{"family":"%s"}]},"request":{"method":"POST","url":"Patient"}},
				 {"resource":{"resourceType":"Observation","status":"final","code":{"text":"pulse"},
				  "subject":{"reference":"Patient/missing-%s"}},"request":{"method":"POST","url":"Observation"}}]}"""
				.formatted(family, family);
		HttpResponse<String> response = post("/fhir", transaction);
		assertThat(response.statusCode()).isBetween(400, 499);
		assertThat(response.body()).contains("OperationOutcome");
		assertThat(count("Patient?family=" + family)).isZero();
	}

	@Test
	void refusesANonConformingProfileAndStoresNothing() throws Exception {
		String address = unique("9bad") + "@abdm";
		String body = """
				{"resourceType":"Patient",
				 "meta":{"profile":["https://consentfhir.org/fhir/StructureDefinition/india-patient"]},
				 "identifier":[{"system":"https://healthid.ndhm.gov.in/abha-address","value":"%s"}],
				 "name":[{"family":"Rao"}],"gender":"male"}""".formatted(address);
		HttpResponse<String> response = post("/fhir/Patient", body);
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(response.body()).contains("abha-address");
		assertThat(count("Patient?identifier=" + address)).isZero();
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return HTTP.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
						.header("Content-Type", "application/fhir+json")
						.header("Authorization", "Bearer " + TestIssuer.get().token("http://localhost:" + port + "/fhir", "system/*.cruds"))
						.POST(HttpRequest.BodyPublishers.ofString(json))
						.build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private int count(String query) {
		return client.search().byUrl(query).returnBundle(Bundle.class).execute().getEntry().size();
	}

	private static String unique(String prefix) {
		return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}
}
