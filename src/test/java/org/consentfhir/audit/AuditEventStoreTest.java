package org.consentfhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

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
}
