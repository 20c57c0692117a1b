package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.interceptors.audit.AuditEventAccessInterceptor;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the audit trail: reading AuditEvents around consent, and filing forged ones. A clinic's
 * doctor may see {@code permitted} and not {@code hidden}; the trail of both has events in it.
 */
class AuditTrailAttacksTest extends EndToEndTest {

	private Clinic clinic;
	private String permitted;
	private String hidden;
	private String doctor;

	@BeforeEach
	void aClinicWhosePatientsHaveATrail() {
		clinic = new Clinic(client, baseUrl());
		permitted = clinic.patient(unique("Permitted"));
		hidden = clinic.patient(unique("Hidden"));
		clinic.permit(permitted, clinic.organization, PurposeOfUse.TREAT);
		doctor = clinic.doctorToken();
		getWithToken("/fhir/Patient/" + hidden, doctor); // a denial: a security alert event about the hidden patient
		getWithToken("/fhir/Patient/" + permitted, doctor);
	}

	@Test
	void aClinicianCannotSearchTheAuditTrailOfAPatientHiddenFromThem() {
		HttpResponse<String> search = getWithToken("/fhir/AuditEvent?patient=Patient/" + hidden, doctor);

		assertThat(search.statusCode()).as(search.body()).isEqualTo(403);
		assertThat(search.body()).doesNotContain("\"resourceType\": \"AuditEvent\"");
	}

	@Test
	void cliniciansGetNoAuditEventSearchAndNoOnesAccessLog() {
		assertThat(getWithToken("/fhir/AuditEvent?patient=Patient/" + permitted, doctor).statusCode()).isEqualTo(403);
		assertThat(getWithToken("/fhir/Patient/" + permitted + "/$access-log", doctor).statusCode()).isEqualTo(403);
		assertThat(getWithToken("/fhir/Patient/" + hidden + "/$access-log", clinic.nurseToken()).statusCode()).isEqualTo(403);
	}

	@Test
	void theAuditorSearchesEveryPatientsTrail() {
		String auditor = clinic.userToken(clinic.create(new org.hl7.fhir.r4.model.Practitioner()), "auditor", "user/AuditEvent.rs");

		HttpResponse<String> search = getWithToken("/fhir/AuditEvent?patient=Patient/" + hidden, auditor);
		HttpResponse<String> accessLog = getWithToken("/fhir/Patient/" + hidden + "/$access-log", auditor);

		assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
		assertThat(FHIR.newJsonParser().parseResource(Bundle.class, search.body()).getEntry()).isNotEmpty();
		assertThat(accessLog.statusCode()).as(accessLog.body()).isEqualTo(200);
	}

	@Test
	void aDoctorCannotFileAnAuditEventInTheNursesName() {
		HttpResponse<String> forged = send("POST", "/fhir/AuditEvent", "application/fhir+json", json(readByTheNurse(permitted)),
				"Authorization", "Bearer " + doctor);

		assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
		assertThat(bundle(getWithToken("/fhir/Patient/" + permitted + "/$access-log", clinic.patientToken(permitted))).getEntry())
				.noneMatch(e -> ((AuditEvent) e.getResource()).getRecorded().getYear() == 120);
	}

	@Test
	void aPatientCannotFileAnAuditEventAboutAnotherPatient() {
		HttpResponse<String> forged = send("POST", "/fhir/AuditEvent", "application/fhir+json", json(readByTheNurse(hidden)),
				"Authorization", "Bearer " + clinic.patientToken(permitted));

		assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
	}

	@Test
	void anAuditSourceFilesEventsStampedWithItsRealName() {
		String source = issuer().token(baseUrl(), "system/AuditEvent.c " + AuditEventAccessInterceptor.AUDIT_SOURCE_SCOPE,
				c -> c.claim("client_id", "device-gateway"));
		AuditEvent claimed = readByTheNurse(permitted);
		claimed.getSource().getObserver().setDisplay("the nurse's workstation");

		HttpResponse<String> filed = send("POST", "/fhir/AuditEvent", "application/fhir+json", json(claimed),
				"Authorization", "Bearer " + source);

		// stored (201); the body is left out (204) as the event is about a record the source may not read
		assertThat(filed.statusCode()).as(filed.body()).isIn(201, 204);
		AuditEvent stored = client.read().resource(AuditEvent.class)
				.withId(new org.hl7.fhir.r4.model.IdType(filed.headers().firstValue("Location").orElseThrow()).getIdPart()).execute();
		assertThat(stored.getSource().getObserver().getIdentifier().getValue()).isEqualTo("device-gateway");
		assertThat(stored.getSource().getObserver().getDisplay()).doesNotContain("nurse");
	}

	@Test
	void aTransactionCannotSlipAnAuditEventInUnderAnotherUrl() {
		for (String url : new String[] {"Patient", "/AuditEvent", baseUrl() + "/AuditEvent"}) {
			Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
			transaction.addEntry().setResource(readByTheNurse(permitted)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(url);

			HttpResponse<String> forged = send("POST", "/fhir", "application/fhir+json", json(transaction), "Authorization", "Bearer " + doctor);

			assertThat(forged.statusCode()).as(url + ": " + forged.body()).isEqualTo(405);
		}
	}

	/** An event claiming the clinic's nurse read the patient's record in 2020. */
	private AuditEvent readByTheNurse(String patient) {
		AuditEvent event = new AuditEvent();
		event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
		event.setAction(AuditEvent.AuditEventAction.R);
		event.setRecorded(new java.util.Date(120, 0, 1));
		event.addAgent().setWho(new Reference(clinic.nurse)).setRequestor(true);
		event.getSource().getObserver().setDisplay("ward workstation");
		event.addEntity().setWhat(new Reference("Patient/" + patient));
		return event;
	}

	private static String json(org.hl7.fhir.r4.model.Resource resource) {
		return FHIR.newJsonParser().encodeResourceToString(resource);
	}

	private static Bundle bundle(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
	}
}
