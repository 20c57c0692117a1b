package org.consentfhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.InstantType;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.api.Test;

/** Nobody, a token with every scope included, can change or remove an AuditEvent through the API. */
class AuditEventImmutabilityTest extends EndToEndTest {

	private String id;

	@BeforeEach
	void anAuditEvent() {
		AuditEvent event = new AuditEvent();
		event.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"));
		event.setRecordedElement(InstantType.now());
		event.addAgent().setRequestor(true).getWho().setDisplay("tester");
		event.getSource().getObserver().setDisplay("test");
		id = auditSource().create().resource(event).execute().getId().toUnqualifiedVersionless().getValue();
	}

	@Test
	void refusesUpdatePatchAndDeleteWith405() {
		String json = get("/fhir/" + id).body();

		HttpResponse<String> update = send("PUT", "/fhir/" + id, "application/fhir+json", json.replace("tester", "someone else"));
		HttpResponse<String> patch = send("PATCH", "/fhir/" + id, "application/json-patch+json",
				"[{\"op\":\"replace\",\"path\":\"/agent/0/who/display\",\"value\":\"x\"}]");
		HttpResponse<String> delete = send("DELETE", "/fhir/" + id, null, HttpRequest.BodyPublishers.noBody(), null);

		for (HttpResponse<String> response : new HttpResponse[] {update, patch, delete}) {
			assertThat(response.statusCode()).as(response.body()).isEqualTo(405);
			assertThat(response.body()).contains("OperationOutcome").contains("immutable");
		}
		assertThat(get("/fhir/" + id).body()).contains("tester");
	}

	@Test
	void refusesChangesInsideATransactionToo() {
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl(id);

		HttpResponse<String> response = send("POST", "/fhir", "application/fhir+json",
				FHIR.newJsonParser().encodeResourceToString(transaction));

		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(get("/fhir/" + id).statusCode()).isEqualTo(200);
	}

	@Autowired
	AuditRetentionJob retention;

	@Test
	void onlyTheRetentionJobRemovesAuditEventsAndOnlyThoseOlderThanTheRetention() {
		AuditEvent old = new AuditEvent();
		old.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"));
		old.setRecorded(java.util.Date.from(java.time.Instant.now().minus(java.time.Duration.ofDays(8 * 366))));
		old.addAgent().setRequestor(true).getWho().setDisplay("tester");
		old.getSource().getObserver().setDisplay("test");
		String oldId = auditSource().create().resource(old).execute().getId().toUnqualifiedVersionless().getValue();
		assertThat(send("DELETE", "/fhir/" + oldId, null, HttpRequest.BodyPublishers.noBody(), null).statusCode()).isEqualTo(405);

		int removed = retention.run();

		assertThat(removed).isGreaterThanOrEqualTo(1);
		assertThat(get("/fhir/" + oldId).statusCode()).isEqualTo(404);
		assertThat(get("/fhir/" + id).statusCode()).isEqualTo(200);
	}

	/** A client that files AuditEvents of its own (scope audit.source); nobody else may. */
	private ca.uhn.fhir.rest.client.api.IGenericClient auditSource() {
		return clientWithToken(issuer().token(baseUrl(), "system/*.cruds audit.source"));
	}
}
