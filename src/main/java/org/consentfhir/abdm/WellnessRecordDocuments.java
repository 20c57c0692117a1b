package org.consentfhir.abdm;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;

/**
 * The ABDM WellnessRecord document of a patient's readings, built by {@link RecordDocuments}: the
 * IG gives the Composition no code (its type text is "Wellness Record") and matches its sections by
 * title ({@link #SECTION_OF_CODE}; other codes go to "Other Observations").
 */
final class WellnessRecordDocuments {

	static final String IG = "https://nrces.in/ndhm/fhir/r4/StructureDefinition/";
	static final String DOCUMENT_ID_SYSTEM = "https://consentfhir.org/fhir/abdm-document";
	static final RecordDocuments.DocumentKind WELLNESS_RECORD =
			new RecordDocuments.DocumentKind("WellnessRecord", null, null, "Wellness Record");

	/** The section of each LOINC code. */
	static final Map<String, String> SECTION_OF_CODE = Map.ofEntries(
			Map.entry("8867-4", "Vital Signs"), Map.entry("9279-1", "Vital Signs"), Map.entry("59408-5", "Vital Signs"),
			Map.entry("2708-6", "Vital Signs"), Map.entry("8310-5", "Vital Signs"), Map.entry("85354-9", "Vital Signs"),
			Map.entry("8480-6", "Vital Signs"), Map.entry("8462-4", "Vital Signs"), Map.entry("8478-0", "Vital Signs"),
			Map.entry("29463-7", "Body Measurement"), Map.entry("8302-2", "Body Measurement"), Map.entry("39156-5", "Body Measurement"),
			Map.entry("9843-4", "Body Measurement"), Map.entry("41950-7", "Physical Activity"), Map.entry("72514-3", "General Assessment"));
	/** The order of the sections in a document. */
	private static final List<String> SECTION_ORDER =
			List.of("Vital Signs", "Body Measurement", "Physical Activity", "General Assessment", "Other Observations");

	private WellnessRecordDocuments() {}

	static Bundle build(FhirContext fhir, Patient patient, Organization hip, List<Observation> readings, Date now) {
		Map<String, List<DomainResource>> byTitle = new LinkedHashMap<>();
		SECTION_ORDER.forEach(title -> byTitle.put(title, new ArrayList<>()));
		readings.forEach(reading -> byTitle.get(sectionOf(reading)).add(reading));
		Map<RecordDocuments.SectionKind, List<? extends DomainResource>> sections = new LinkedHashMap<>();
		byTitle.forEach((title, records) -> sections.put(new RecordDocuments.SectionKind(title, null, null), records));
		return RecordDocuments.build(fhir, WELLNESS_RECORD, patient, hip, null, sections, now);
	}

	/** Laboratory and imaging results are not wellness readings: they go with their DiagnosticReport. */
	static boolean isWellnessReading(Observation observation) {
		return observation.getCategory().stream().flatMap(c -> c.getCoding().stream())
				.noneMatch(c -> OBSERVATION_CATEGORY.equals(c.getSystem()) && ("laboratory".equals(c.getCode()) || "imaging".equals(c.getCode())));
	}

	private static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

	private static String sectionOf(Observation reading) {
		return reading.getCode().getCoding().stream()
				.filter(c -> "http://loinc.org".equals(c.getSystem()) && SECTION_OF_CODE.containsKey(c.getCode()))
				.map(c -> SECTION_OF_CODE.get(c.getCode()))
				.findFirst().orElse("Other Observations");
	}
}
