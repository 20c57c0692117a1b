package org.consentfhir.abdm;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** Patient/$abdm-export: WellnessRecord documents that validate, narrowed by date and by consent. */
class AbdmExportTest extends EndToEndTest {

	@Test
	void aWellnessRecordHoldsThePeriodsReadingsBySectionAndValidates() {
		Clinic clinic = new Clinic(client, baseUrl());
		String patient = clinic.patient(unique("Export"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		reading(patient, "8867-4", "72", "/min", "2026-06-01T10:00:00Z");
		reading(patient, "29463-7", "61.5", "kg", "2026-06-02T10:00:00Z");
		reading(patient, "41950-7", "8000", "/(24.h)", "2026-06-03T10:00:00Z");
		reading(patient, "2339-0", "110", "mg/dL", "2026-06-04T10:00:00Z");
		reading(patient, "8867-4", "80", "/min", "2024-01-01T10:00:00Z");
		String doctor = clinic.doctorToken();

		HttpResponse<String> response = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=WellnessRecord&from=2026-01-01",
				null, null, "Authorization", "Bearer " + doctor);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle document = (Bundle) FHIR.newJsonParser().parseResource(Parameters.class, response.body()).getParameterFirstRep().getResource();
		assertThat(document.getType()).isEqualTo(Bundle.BundleType.DOCUMENT);
		assertThat(document.getEntry()).allMatch(e -> e.getFullUrl().startsWith("urn:uuid:"));
		Composition composition = (Composition) document.getEntryFirstRep().getResource();
		assertThat(composition.getSection()).extracting(Composition.SectionComponent::getTitle)
				.containsExactly("Vital Signs", "Body Measurement", "Physical Activity", "Other Observations");
		assertThat(document.getEntry()).filteredOn(e -> e.getResource() instanceof Observation).hasSize(4);
		HttpResponse<String> validated = send("POST", "/fhir/Bundle/$validate", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(document));
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, validated.body()).getIssue())
				.noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);

		String stranger = clinic.patient(unique("Export"));
		assertThat(send("GET", "/fhir/Patient/" + stranger + "/$abdm-export?hiType=WellnessRecord", null, null, "Authorization", "Bearer " + doctor)
				.statusCode()).isIn(403, 404);
		assertThat(send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=Prescription", null, null, "Authorization", "Bearer " + doctor)
				.statusCode()).isEqualTo(501);
		assertThat(send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=OPConsultation", null, null, "Authorization", "Bearer " + doctor)
				.statusCode()).as("no encounter to report on").isEqualTo(422);
		assertThat(send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=Gossip", null, null, "Authorization", "Bearer " + doctor)
				.statusCode()).isEqualTo(400);
	}

	@Test
	void anOpConsultationHoldsTheLatestEncountersRecordsAndValidates() {
		Clinic clinic = new Clinic(client, baseUrl());
		String patient = clinic.patient(unique("Export"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		org.hl7.fhir.r4.model.Encounter visit = new org.hl7.fhir.r4.model.Encounter()
				.setStatus(org.hl7.fhir.r4.model.Encounter.EncounterStatus.FINISHED)
				.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
				.setSubject(new Reference("Patient/" + patient))
				.setPeriod(new org.hl7.fhir.r4.model.Period().setStartElement(new DateTimeType("2026-06-01T10:00:00Z")))
				.addParticipant(new org.hl7.fhir.r4.model.Encounter.EncounterParticipantComponent().setIndividual(new Reference(clinic.doctor)));
		String encounter = client.create().resource(visit).execute().getId().toUnqualifiedVersionless().getValue();
		org.hl7.fhir.r4.model.Condition complaint = new org.hl7.fhir.r4.model.Condition().setSubject(new Reference("Patient/" + patient))
				.setEncounter(new Reference(encounter)).setCode(new org.hl7.fhir.r4.model.CodeableConcept(new Coding("http://snomed.info/sct", "25064002", "Headache")));
		client.create().resource(complaint).execute();
		String doctor = clinic.doctorToken();

		HttpResponse<String> response = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=OPConsultation&from=2026-01-01",
				null, null, "Authorization", "Bearer " + doctor);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle document = (Bundle) FHIR.newJsonParser().parseResource(Parameters.class, response.body()).getParameterFirstRep().getResource();
		Composition composition = (Composition) document.getEntryFirstRep().getResource();
		assertThat(composition.getType().getCodingFirstRep().getCode()).isEqualTo("371530004");
		assertThat(composition.getEncounter().getReference()).startsWith("urn:uuid:");
		assertThat(composition.getSection()).extracting(Composition.SectionComponent::getTitle).containsExactly("Chief complaints");
		assertThat(document.getEntry()).extracting(e -> e.getResource().fhirType()).contains("Encounter", "Condition", "Patient", "Organization");
		HttpResponse<String> validated = send("POST", "/fhir/Bundle/$validate", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(document));
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, validated.body()).getIssue())
				.noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
	}

	private void reading(String patient, String loinc, String value, String unit, String when) {
		Observation reading = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		reading.addCategory().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", null));
		reading.getCode().addCoding(new Coding("http://loinc.org", loinc, null));
		reading.setSubject(new Reference("Patient/" + patient));
		reading.setEffective(new DateTimeType(when));
		reading.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem("http://unitsofmeasure.org").setCode(unit).setUnit(unit));
		client.create().resource(reading).execute();
	}
}
