package org.consentfhir.abdm;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import java.util.List;
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
		Observation lab = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		lab.addCategory().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null));
		lab.getCode().addCoding(new Coding("http://loinc.org", "718-7", "Hemoglobin"));
		lab.setSubject(new Reference("Patient/" + patient)).setEffective(new DateTimeType("2026-06-05T10:00:00Z"));
		client.create().resource(lab).execute();
		String doctor = clinic.doctorToken();

		HttpResponse<String> response = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=WellnessRecord&from=2026-01-01",
				null, null, "Authorization", "Bearer " + doctor);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle document = firstDocument(response);
		assertThat(document.getType()).isEqualTo(Bundle.BundleType.DOCUMENT);
		assertThat(document.getEntry()).allMatch(e -> e.getFullUrl().startsWith("urn:uuid:"));
		Composition composition = (Composition) document.getEntryFirstRep().getResource();
		assertThat(composition.getSection()).extracting(Composition.SectionComponent::getTitle)
				.containsExactly("Vital Signs", "Body Measurement", "Physical Activity", "Other Observations");
		assertThat(document.getEntry()).filteredOn(e -> e.getResource() instanceof Observation).hasSize(4);
		HttpResponse<String> trusted = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=WellnessRecord&from=2026-01-01", null, null);
		assertThat(trusted.statusCode()).as("a client trusted with every record: " + trusted.body()).isEqualTo(200);
		assertThat(trusted.headers().firstValue("X-Validation-Ms")).isPresent();
		assertValidates(document);

		String stranger = clinic.patient(unique("Export"));
		assertThat(send("GET", "/fhir/Patient/" + stranger + "/$abdm-export?hiType=WellnessRecord", null, null, "Authorization", "Bearer " + doctor)
				.statusCode()).isIn(403, 404);
		assertThat(send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=Prescription", null, null, "Authorization", "Bearer " + doctor)
				.statusCode()).as("no prescription in the period").isEqualTo(422);
		assertThat(send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=OPConsultation", null, null, "Authorization", "Bearer " + doctor)
				.statusCode()).as("no encounter to report on").isEqualTo(422);
		Parameters partly = FHIR.newJsonParser().parseResource(Parameters.class, send("GET", "/fhir/Patient/" + patient
				+ "/$abdm-export?hiType=WellnessRecord&hiType=Prescription", null, null, "Authorization", "Bearer " + doctor).body());
		assertThat(partly.getParameter()).extracting(Parameters.ParametersParameterComponent::getName).containsExactly("document", "outcome");
		assertThat(((OperationOutcome) partly.getParameter().get(1).getResource()).getIssueFirstRep().getDiagnostics()).contains("MedicationRequest");
		assertThat(send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=Gossip", null, null, "Authorization", "Bearer " + doctor)
				.statusCode()).isEqualTo(400);
	}

	@Test
	void aWellnessRecordHoldsEveryReadingOfAPatientWithMoreThanAPageOfThem() {
		Clinic clinic = new Clinic(client, baseUrl());
		String patient = clinic.patient(unique("Export"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		for (int day = 1; day <= 25; day++) {
			reading(patient, "8867-4", String.valueOf(60 + day), "/min", String.format("2026-07-%02dT10:00:00Z", day));
		}
		String doctor = clinic.doctorToken();

		HttpResponse<String> response = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=WellnessRecord",
				null, null, "Authorization", "Bearer " + doctor);
		HttpResponse<String> search = send("GET", "/fhir/Observation?subject=Patient/" + patient + "&_count=100",
				null, null, "Authorization", "Bearer " + doctor);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle document = firstDocument(response);
		assertThat(document.getEntry()).filteredOn(e -> e.getResource() instanceof Observation).hasSize(25);
		assertThat(FHIR.newJsonParser().parseResource(Bundle.class, search.body()).getEntry()).as("one page of _count=100").hasSize(25);
		List<AuditEvent> disclosures = audits("AuditEvent?patient=Patient/" + patient + "&type=" + AccessAuditEvents.DCM + "|110106");
		assertThat(disclosures).hasSize(1);
		assertThat(disclosures.get(0).getEntity()).extracting(e -> e.getWhat().getIdentifier().getValue())
				.contains(document.getIdentifier().getValue());
		assertThat(disclosures.get(0).getAgent()).anyMatch(a -> a.getType().getCodingFirstRep().getCode().equals("110152"));
		assertThat(audits("AuditEvent?patient=Patient/" + patient + "&subtype=operation"))
				.as("one record of the export's reads, however many searches and pages it made").hasSize(1);
	}

	private List<AuditEvent> audits(String url) {
		return client.search().byUrl(url + "&_count=100").returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (AuditEvent) e.getResource()).toList();
	}

	@Test
	void consentsDataPeriodNarrowsWhatTheExportHolds() {
		Clinic clinic = new Clinic(client, baseUrl());
		String patient = clinic.patient(unique("Export"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT, consent -> consent.getProvision()
				.setDataPeriod(Clinic.period(java.time.Instant.parse("2026-06-01T00:00:00Z"), java.time.Instant.parse("2026-06-30T00:00:00Z"))));
		reading(patient, "8867-4", "70", "/min", "2026-05-20T10:00:00Z");
		reading(patient, "8867-4", "71", "/min", "2026-06-10T10:00:00Z");
		reading(patient, "8867-4", "72", "/min", "2026-07-10T10:00:00Z");

		HttpResponse<String> response = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=WellnessRecord",
				null, null, "Authorization", "Bearer " + clinic.doctorToken());

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle document = firstDocument(response);
		assertThat(document.getEntry()).filteredOn(e -> e.getResource() instanceof Observation)
				.extracting(e -> ((Observation) e.getResource()).getValueQuantity().getValue().intValue()).containsExactly(71);
	}

	@Test
	void refusesADocumentThatDoesNotValidateWithTheValidatorsOutcome() {
		Clinic clinic = new Clinic(client, baseUrl());
		String patient = clinic.patient(unique("Export"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		org.hl7.fhir.r4.model.DocumentReference letter = new org.hl7.fhir.r4.model.DocumentReference()
				.setStatus(org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT).setSubject(new Reference("Patient/" + patient));
		letter.addContent().getAttachment().setData("no content type".getBytes(java.nio.charset.StandardCharsets.UTF_8)); // breaks att-1
		client.create().resource(letter).execute();

		HttpResponse<String> response = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=HealthDocumentRecord",
				null, null, "Authorization", "Bearer " + clinic.doctorToken());

		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body()).getIssue())
				.anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR && i.getDiagnostics().contains("att-1"));
		assertThat(response.body()).doesNotContain("\"resourceType\":\"Bundle\"");
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
		Bundle document = firstDocument(response);
		Composition composition = (Composition) document.getEntryFirstRep().getResource();
		assertThat(composition.getType().getCodingFirstRep().getCode()).isEqualTo("371530004");
		assertThat(composition.getEncounter().getReference()).startsWith("urn:uuid:");
		assertThat(composition.getSection()).extracting(Composition.SectionComponent::getTitle).containsExactly("Chief complaints");
		assertThat(document.getEntry()).extracting(e -> e.getResource().fhirType()).contains("Encounter", "Condition", "Patient", "Organization");
		assertValidates(document);
		assertThat(send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=OPConsultation&careContext=" + encounter,
				null, null, "Authorization", "Bearer " + doctor).statusCode()).as("the encounter named as the care context").isEqualTo(200);
		assertThat(send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=WellnessRecord&careContext=" + encounter,
				null, null, "Authorization", "Bearer " + doctor).statusCode()).as("no reading in that encounter").isEqualTo(422);
		HttpResponse<String> unknown = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=OPConsultation&careContext=VISIT-NONE",
				null, null, "Authorization", "Bearer " + doctor);
		assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
	}

	@Test
	void everyOtherHiTypeExportsADocumentThatValidates() {
		Clinic clinic = new Clinic(client, baseUrl());
		String patient = clinic.patient(unique("Export"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		Reference subject = new Reference("Patient/" + patient);
		var snomed = (java.util.function.BiFunction<String, String, org.hl7.fhir.r4.model.CodeableConcept>)
				(code, text) -> new org.hl7.fhir.r4.model.CodeableConcept(new Coding("http://snomed.info/sct", code, text));
		client.create().resource(new org.hl7.fhir.r4.model.MedicationRequest()
				.setStatus(org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus.ACTIVE)
				.setIntent(org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent.ORDER)
				.setMedication(snomed.apply("387517004", "Paracetamol")).setSubject(subject)
				.setAuthoredOnElement(new DateTimeType("2026-06-05")).addDosageInstruction(new org.hl7.fhir.r4.model.Dosage().setText("500 mg twice a day")))
				.execute();
		client.create().resource(new org.hl7.fhir.r4.model.Immunization()
				.setStatus(org.hl7.fhir.r4.model.Immunization.ImmunizationStatus.COMPLETED)
				.setVaccineCode(snomed.apply("1119349007", "COVID-19 mRNA vaccine")).setPatient(subject)
				.setOccurrence(new DateTimeType("2026-06-06"))).execute();
		Observation hemoglobin = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		hemoglobin.addCategory().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null));
		hemoglobin.getCode().addCoding(new Coding("http://loinc.org", "718-7", "Hemoglobin"));
		hemoglobin.setSubject(subject).setEffective(new DateTimeType("2026-06-07"))
				.setValue(new Quantity().setValue(new BigDecimal("13.5")).setSystem("http://unitsofmeasure.org").setCode("g/dL"));
		String result = client.create().resource(hemoglobin).execute().getId().toUnqualifiedVersionless().getValue();
		client.create().resource(new org.hl7.fhir.r4.model.DiagnosticReport()
				.setStatus(org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus.FINAL)
				.setCode(new org.hl7.fhir.r4.model.CodeableConcept(new Coding("http://loinc.org", "58410-2", "CBC panel"))).setSubject(subject)
				.addResult(new Reference(result))
				.setEffective(new DateTimeType("2026-06-07")).setConclusion("Within normal limits")).execute();
		org.hl7.fhir.r4.model.DocumentReference letter = new org.hl7.fhir.r4.model.DocumentReference()
				.setStatus(org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT).setSubject(subject);
		letter.setDate(java.util.Date.from(java.time.Instant.parse("2026-06-08T10:00:00Z")));
		letter.addContent().getAttachment().setContentType("text/plain").setData("Referral letter".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		client.create().resource(letter).execute();
		String stay = client.create().resource(new org.hl7.fhir.r4.model.Encounter()
				.setStatus(org.hl7.fhir.r4.model.Encounter.EncounterStatus.FINISHED)
				.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter")).setSubject(subject)
				.setPeriod(new org.hl7.fhir.r4.model.Period().setStartElement(new DateTimeType("2026-06-09T10:00:00Z"))
						.setEndElement(new DateTimeType("2026-06-12T10:00:00Z")))).execute().getId().toUnqualifiedVersionless().getValue();
		client.create().resource(new org.hl7.fhir.r4.model.Condition().setSubject(subject).setEncounter(new Reference(stay))
				.setCode(snomed.apply("233604007", "Pneumonia"))).execute();

		HttpResponse<String> response = send("GET", "/fhir/Patient/" + patient + "/$abdm-export?hiType=Prescription&hiType=ImmunizationRecord"
				+ "&hiType=DiagnosticReport&hiType=HealthDocumentRecord&hiType=DischargeSummary&from=2026-01-01",
				null, null, "Authorization", "Bearer " + clinic.doctorToken());

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		List<Bundle> documents = FHIR.newJsonParser().parseResource(Parameters.class, response.body()).getParameter().stream()
				.map(p -> (Bundle) p.getResource()).toList();
		assertThat(documents).extracting(d -> ((Composition) d.getEntryFirstRep().getResource()).getType().getCodingFirstRep().getCode())
				.containsExactly("440545006", "41000179103", "721981007", "419891008", "373942005");
		Bundle reports = documents.get(2);
		org.hl7.fhir.r4.model.DiagnosticReport report = (org.hl7.fhir.r4.model.DiagnosticReport) reports.getEntry().stream()
				.map(Bundle.BundleEntryComponent::getResource).filter(r -> r instanceof org.hl7.fhir.r4.model.DiagnosticReport).findFirst().orElseThrow();
		assertThat(reports.getEntry()).as("the report's result travels with it")
				.anyMatch(e -> e.getResource() instanceof Observation && e.getFullUrl().equals(report.getResultFirstRep().getReference()));
		for (Bundle document : documents) {
			assertValidates(document);
		}
	}

	private static Bundle firstDocument(HttpResponse<String> response) {
		return (Bundle) FHIR.newJsonParser().parseResource(Parameters.class, response.body()).getParameterFirstRep().getResource();
	}

	/** The server's own $validate finds no error in the document. */
	private void assertValidates(Bundle document) {
		HttpResponse<String> validated = send("POST", "/fhir/Bundle/$validate", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(document));
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, validated.body()).getIssue())
				.as(validated.body()).noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
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
