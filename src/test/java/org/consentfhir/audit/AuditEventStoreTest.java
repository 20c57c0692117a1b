package org.consentfhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.consentfhir.testsupport.PostgresDatabase;
import org.h2.jdbcx.JdbcDataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The audit trail's table keeps each event as the server's own JSON would write it. */
class AuditEventStoreTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void anEventReadBackIsTheEventStoredWithItsContainedResources() {
		JdbcDataSource database = new JdbcDataSource();
		database.setURL("jdbc:h2:mem:audit-store-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
		AuditEventStore store = new AuditEventStore(database, FHIR);

		// as a client may send one: an observer described by a contained Device
		AuditEvent posted = FHIR.newJsonParser().parseResource(AuditEvent.class, """
				{"resourceType":"AuditEvent","contained":[{"resourceType":"Device","id":"gateway","manufacturer":"Acme"}],
				 "type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110100"},
				 "recorded":"2026-12-04T02:00:00Z",
				 "agent":[{"who":{"reference":"Practitioner/7"},"requestor":true}],
				 "source":{"observer":{"reference":"#gateway"}},
				 "entity":[{"what":{"reference":"Patient/42"}}]}""");
		// as the server builds one: references as text
		AuditEvent built = new AuditEvent();
		built.getType().setSystem("http://terminology.hl7.org/CodeSystem/audit-event-type").setCode("rest");
		built.addSubtype().setSystem("http://hl7.org/fhir/restful-interaction").setCode("read");
		built.addEntity().setWhat(new Reference("Patient/43/_history/2"));

		store.insert(List.of(posted, built));

		for (AuditEvent stored : List.of(posted, built)) {
			AuditEvent read = store.read(stored.getIdElement().getIdPart()).orElseThrow();
			assertThat(FHIR.newJsonParser().encodeResourceToString(read))
					.isEqualTo(FHIR.newJsonParser().encodeResourceToString(stored));
		}
		AuditEvent gateway = store.read(posted.getIdElement().getIdPart()).orElseThrow();
		assertThat(((Device) gateway.getContained().get(0)).getManufacturer()).isEqualTo("Acme");
		assertThat(gateway.getSource().getObserver().getReference()).isEqualTo("#gateway");
		assertThat(store.search(new AuditEventStore.Criteria("42", null, null, null, null, 10)))
				.extracting(event -> event.getIdElement().getIdPart())
				.containsExactly(posted.getIdElement().getIdPart());
	}

	static Stream<String> databases() {
		List<String> urls = new ArrayList<>(List.of("jdbc:h2:mem:audit-batch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));
		if (PostgresDatabase.available()) {
			urls.add(PostgresDatabase.newDatabase());
		}
		return urls.stream();
	}

	/** A group-commit batch goes in as one: every event gets an id of its own and only its own patients. */
	@ParameterizedTest
	@MethodSource("databases")
	void aBatchOfEventsKeepsEachEventsIdAndPatients(String url) {
		DataSource database = url.startsWith("jdbc:h2")
				? new DriverManagerDataSource(url, "sa", "")
				: new DriverManagerDataSource(url, PostgresDatabase.user(), PostgresDatabase.password());
		AuditEventStore store = new AuditEventStore(database, FHIR);
		List<AuditEvent> batch = IntStream.range(0, 7).mapToObj(i -> {
			AuditEvent event = new AuditEvent();
			event.getType().setSystem("http://terminology.hl7.org/CodeSystem/audit-event-type").setCode("rest");
			event.addSubtype().setSystem("http://hl7.org/fhir/restful-interaction").setCode(i % 2 == 0 ? "read" : "search-type");
			event.addEntity().setWhat(new Reference("Patient/p" + i));
			if (i == 3) {
				event.addEntity().setWhat(new Reference("Patient/shared"));
				event.addAgent().setWho(new Reference("Patient/p0"));
			}
			if (i == 5) {
				event.addEntity().setWhat(new Reference("Patient/shared"));
			}
			event.addEntity().setWhat(new Reference("Observation/o" + i));
			return event;
		}).toList();

		new TransactionTemplate(new DataSourceTransactionManager(database)).executeWithoutResult(status -> store.insert(batch));

		assertThat(batch).extracting(event -> event.getIdElement().getIdPart()).doesNotContainNull().doesNotHaveDuplicates();
		for (int i = 0; i < batch.size(); i++) {
			AuditEvent read = store.read(batch.get(i).getIdElement().getIdPart()).orElseThrow();
			assertThat(read.getEntity().get(0).getWhat().getReference()).isEqualTo("Patient/p" + i);
			assertThat(read.getEntity()).last().extracting(entity -> entity.getWhat().getReference()).isEqualTo("Observation/o" + i);
		}
		assertThat(store.search(new AuditEventStore.Criteria("p4", null, null, null, null, 10)))
				.extracting(event -> event.getIdElement().getIdPart())
				.containsExactly(batch.get(4).getIdElement().getIdPart());
		assertThat(store.search(new AuditEventStore.Criteria("p0", null, null, null, null, 10)))
				.extracting(event -> event.getIdElement().getIdPart())
				.containsExactlyInAnyOrder(batch.get(0).getIdElement().getIdPart(), batch.get(3).getIdElement().getIdPart());
		assertThat(store.search(new AuditEventStore.Criteria("shared", null, null, null, null, 10)))
				.extracting(event -> event.getIdElement().getIdPart())
				.containsExactlyInAnyOrder(batch.get(3).getIdElement().getIdPart(), batch.get(5).getIdElement().getIdPart());
		assertThat(store.search(new AuditEventStore.Criteria(null, null, java.util.Set.of("search-type"), null, null, 10)))
				.hasSize(3);
	}
}
