package org.consentfhir.abdm;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * Builds the ABDM WellnessRecord document of a patient's readings: a document Bundle claiming the
 * IG's DocumentBundle profile (identifier, {@code meta.versionId}, timestamp, security label V),
 * the WellnessRecord Composition first (type text "Wellness Record", subject, the HIP as author),
 * sections by title ({@link #SECTION_OF_CODE}; other codes go to "Other Observations"), then the
 * Patient, the HIP Organization and the Observations, every entry with a {@code urn:uuid} fullUrl
 * and every reference between them rewritten to it. References to resources the document does not
 * carry (performer, device, encounter) are left out, so the document stands alone.
 */
final class WellnessRecordDocuments {

	static final String IG = "https://nrces.in/ndhm/fhir/r4/StructureDefinition/";
	static final String DOCUMENT_ID_SYSTEM = "https://consentfhir.org/fhir/abdm-document";

	/** The section of each LOINC code; the order of the sections in a document. */
	static final Map<String, String> SECTION_OF_CODE = Map.ofEntries(
			Map.entry("8867-4", "Vital Signs"), Map.entry("9279-1", "Vital Signs"), Map.entry("59408-5", "Vital Signs"),
			Map.entry("2708-6", "Vital Signs"), Map.entry("8310-5", "Vital Signs"), Map.entry("85354-9", "Vital Signs"),
			Map.entry("8480-6", "Vital Signs"), Map.entry("8462-4", "Vital Signs"), Map.entry("8478-0", "Vital Signs"),
			Map.entry("29463-7", "Body Measurement"), Map.entry("8302-2", "Body Measurement"), Map.entry("39156-5", "Body Measurement"),
			Map.entry("9843-4", "Body Measurement"), Map.entry("41950-7", "Physical Activity"), Map.entry("72514-3", "General Assessment"));
	private static final List<String> SECTION_ORDER =
			List.of("Vital Signs", "Body Measurement", "Physical Activity", "General Assessment", "Other Observations");

	private WellnessRecordDocuments() {}

	static Bundle build(Patient patient, Organization hip, List<Observation> readings, Date now) {
		String patientUrn = urn();
		String hipUrn = urn();
		Composition composition = new Composition();
		composition.getMeta().addProfile(IG + "WellnessRecord");
		composition.setStatus(Composition.CompositionStatus.FINAL);
		composition.getType().setText("Wellness Record");
		composition.setSubject(new Reference(patientUrn));
		composition.setDate(now);
		composition.addAuthor(new Reference(hipUrn));
		composition.setTitle("Wellness Record");

		Bundle document = new Bundle().setType(Bundle.BundleType.DOCUMENT);
		document.getMeta().setVersionId("1").addProfile(IG + "DocumentBundle")
				.addSecurity(new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "V", "very restricted"));
		document.getIdentifier().setSystem(DOCUMENT_ID_SYSTEM).setValue(UUID.randomUUID().toString());
		document.setTimestamp(now);
		document.addEntry().setFullUrl(urn()).setResource(composition);
		document.addEntry().setFullUrl(patientUrn).setResource(standalone(patient));
		document.addEntry().setFullUrl(hipUrn).setResource(standalone(hip));

		Map<String, Composition.SectionComponent> sections = new LinkedHashMap<>();
		SECTION_ORDER.forEach(title -> sections.put(title, new Composition.SectionComponent().setTitle(title)));
		for (Observation reading : readings) {
			Observation copy = standalone(reading);
			copy.setSubject(new Reference(patientUrn));
			copy.setPerformer(null);
			copy.setDevice(null);
			copy.setEncounter(null);
			copy.setHasMember(null);
			copy.setDerivedFrom(null);
			copy.setBasedOn(null);
			copy.setPartOf(null);
			copy.setSpecimen(null);
			copy.setFocus(null);
			String urn = urn();
			document.addEntry().setFullUrl(urn).setResource(copy);
			sections.get(sectionOf(reading)).addEntry(new Reference(urn));
		}
		sections.values().stream().filter(Composition.SectionComponent::hasEntry).forEach(composition::addSection);
		return document;
	}

	private static String sectionOf(Observation reading) {
		return reading.getCode().getCoding().stream()
				.filter(c -> "http://loinc.org".equals(c.getSystem()) && SECTION_OF_CODE.containsKey(c.getCode()))
				.map(c -> SECTION_OF_CODE.get(c.getCode()))
				.findFirst().orElse("Other Observations");
	}

	@SuppressWarnings("unchecked")
	private static <T extends org.hl7.fhir.r4.model.DomainResource> T standalone(T resource) {
		T copy = (T) resource.copy();
		copy.setId((String) null);
		copy.setMeta(null);
		return copy;
	}

	private static String urn() {
		return "urn:uuid:" + UUID.randomUUID();
	}
}
