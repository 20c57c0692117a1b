package org.consentfhir.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** Patient/$summary: an International Patient Summary with the patient's active alerts, under consent and audit. */
class PatientSummaryTest extends EndToEndTest {

	@Test
	void aSummaryHoldsAllergiesAndActiveAlertsAndIsAuditedAndConsentChecked() {
		Clinic clinic = new Clinic(client, baseUrl());
		String patient = clinic.patient(unique("Summary"));
		String stranger = clinic.patient(unique("Summary"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		AllergyIntolerance allergy = new AllergyIntolerance().setPatient(new Reference("Patient/" + patient));
		allergy.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", null)));
		allergy.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "91936005", "Allergy to penicillin")));
		client.create().resource(allergy).execute();
		client.create().resource(org.consentfhir.alerting.AlertingTestReadings.glucose(patient, "350")).execute();
		String doctor = clinic.doctorToken();

		HttpResponse<String> response = send("GET", "/fhir/Patient/" + patient + "/$summary", null, null, "Authorization", "Bearer " + doctor);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle summary = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
		assertThat(summary.getType()).isEqualTo(Bundle.BundleType.DOCUMENT);
		Composition composition = (Composition) summary.getEntryFirstRep().getResource();
		assertThat(composition.getSection()).extracting(Composition.SectionComponent::getTitle)
				.contains("Allergies and Intolerances", "Alerts");
		assertThat(summary.getEntry()).extracting(e -> e.getResource().fhirType()).contains("Patient", "AllergyIntolerance", "Flag");
		assertThat(client.search().byUrl("AuditEvent?patient=Patient/" + patient + "&_count=100").returnBundle(Bundle.class).execute()
				.getEntry()).map(e -> (AuditEvent) e.getResource())
				.anyMatch(e -> e.getEntity().stream().anyMatch(x -> "$summary".equals(x.getDescription())));

		HttpResponse<String> notPermitted = send("GET", "/fhir/Patient/" + stranger + "/$summary", null, null, "Authorization", "Bearer " + doctor);
		assertThat(notPermitted.statusCode()).isIn(403, 404);
	}
}
