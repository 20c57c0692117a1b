package org.consentfhir.abdm;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Builds the ABDM documents: the Composition of the
 * kind's IG profile (its SNOMED CT type, the encounter where the kind has one, the HIP as author)
 * with the sections that have records, then the Patient, the HIP, the Encounter and the records,
 * all with {@code urn:uuid} fullUrls. A reference to the patient or the encounter points at its entry;
 * any other (a practitioner, a medication, another encounter) keeps only its display text, so the
 * document stands alone and stays valid.
 */
final class RecordDocuments {

	static final String SNOMED = "http://snomed.info/sct";

	/** Section title, SNOMED CT code (null: sections matched by title) and display. */
	record SectionKind(String title, String code, String display) {}

	static final SectionKind CHIEF_COMPLAINTS = new SectionKind("Chief complaints", "422843007", "Chief complaint section");
	static final SectionKind ALLERGIES = new SectionKind("Allergies", "722446000", "Allergy record");
	static final SectionKind PHYSICAL_EXAMINATION = new SectionKind("Physical examination", "425044008", "Physical exam section");
	static final SectionKind MEDICATIONS = new SectionKind("Medications", "721912009", "Medication summary document");

	private RecordDocuments() {}

	/** An ABDM document kind: its Composition profile, SNOMED CT type (null: none, the title is the type's text) and title. */
	record DocumentKind(String profile, String code, String display, String title) {}

	static final DocumentKind OP_CONSULTATION = new DocumentKind("OPConsultRecord", "371530004", "Clinical consultation report", "Consultation Report");
	static final DocumentKind DISCHARGE_SUMMARY = new DocumentKind("DischargeSummaryRecord", "373942005", "Discharge summary", "Discharge Summary");
	static final DocumentKind PRESCRIPTION = new DocumentKind("PrescriptionRecord", "440545006", "Prescription record", "Prescription");
	static final DocumentKind IMMUNIZATION = new DocumentKind("ImmunizationRecord", "41000179103", "Immunization record", "Immunization Record");
	static final DocumentKind DIAGNOSTIC_REPORT = new DocumentKind("DiagnosticReportRecord", "721981007", "Diagnostic studies report", "Diagnostic Report");
	static final DocumentKind HEALTH_DOCUMENT = new DocumentKind("HealthDocumentRecord", "419891008", "Record artifact", "Health Document");

	/** The one section of a single-section kind (its code is the document's type). */
	static SectionKind onlySection(DocumentKind kind) {
		return new SectionKind(kind.title(), kind.code(), kind.display());
	}

	static final SectionKind MEDICAL_HISTORY = new SectionKind("Medical history", "1003642006", "Past medical history section");
	static final SectionKind INVESTIGATIONS = new SectionKind("Investigations", "721981007", "Diagnostic studies report");
	static final SectionKind DISCHARGE_MEDICATIONS = new SectionKind("Medications", "1003606003", "Medication history section");
	static final SectionKind PROCEDURES = new SectionKind("Procedures", "1003640003", "History of past procedure section");

	/** @param encounter the encounter the document reports on, or null for a kind without one */
	static Bundle build(FhirContext fhir, DocumentKind kind, Patient patient, Organization hip, Encounter encounter,
			Map<SectionKind, List<? extends DomainResource>> sections, Date now) {
		return build(fhir, kind, patient, hip, encounter, sections, List.of(), now);
	}

	/**
	 * @param encounter  the encounter the document reports on, or null for a kind without one
	 * @param supporting records the section entries refer to (a report's results), carried after them
	 */
	static Bundle build(FhirContext fhir, DocumentKind kind, Patient patient, Organization hip, Encounter encounter,
			Map<SectionKind, List<? extends DomainResource>> sections, List<? extends DomainResource> supporting, Date now) {
		Map<String, String> urns = new HashMap<>();
		String patientUrn = urn(urns, patient);
		String encounterUrn = encounter == null ? null : urn(urns, encounter);
		// every record has its urn before any is copied, so references between records stay references
		sections.values().forEach(records -> records.forEach(record -> urn(urns, record)));
		supporting.forEach(record -> urn(urns, record));
		String hipUrn = "urn:uuid:" + UUID.randomUUID();

		Composition composition = new Composition();
		composition.getMeta().addProfile(WellnessRecordDocuments.IG + kind.profile());
		composition.setStatus(Composition.CompositionStatus.FINAL);
		if (kind.code() != null) {
			composition.setType(new CodeableConcept(new Coding(SNOMED, kind.code(), kind.display())));
		} else {
			composition.getType().setText(kind.title()); // a kind the IG gives no code (WellnessRecord)
		}
		composition.setSubject(new Reference(patientUrn));
		if (encounterUrn != null) {
			composition.setEncounter(new Reference(encounterUrn));
		}
		composition.setDate(now);
		composition.addAuthor(new Reference(hipUrn));
		composition.setTitle(kind.title());

		Bundle document = new Bundle().setType(Bundle.BundleType.DOCUMENT);
		document.getMeta().setVersionId("1").addProfile(WellnessRecordDocuments.IG + "DocumentBundle")
				.addSecurity(new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "V", "very restricted"));
		document.getIdentifier().setSystem(WellnessRecordDocuments.DOCUMENT_ID_SYSTEM).setValue(UUID.randomUUID().toString());
		document.setTimestamp(now);
		document.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(composition);
		document.addEntry().setFullUrl(patientUrn).setResource(standalone(fhir, patient, urns));
		document.addEntry().setFullUrl(hipUrn).setResource(new Organization().setName(hip.getName()).setIdentifier(hip.getIdentifier()));
		if (encounterUrn != null) {
			document.addEntry().setFullUrl(encounterUrn).setResource(standalone(fhir, encounter, urns));
		}
		sections.forEach((sectionKind, records) -> {
			if (records.isEmpty()) {
				return;
			}
			Composition.SectionComponent section = composition.addSection().setTitle(sectionKind.title());
			if (sectionKind.code() != null) {
				section.setCode(new CodeableConcept(new Coding(SNOMED, sectionKind.code(), sectionKind.display())));
			}
			for (DomainResource record : records) {
				String urn = urns.get(record.getIdElement().toUnqualifiedVersionless().getValue());
				document.addEntry().setFullUrl(urn).setResource(standalone(fhir, record, urns));
				section.addEntry(new Reference(urn));
			}
		});
		for (DomainResource record : supporting) {
			document.addEntry().setFullUrl(urns.get(record.getIdElement().toUnqualifiedVersionless().getValue()))
					.setResource(standalone(fhir, record, urns));
		}
		return document;
	}

	private static String urn(Map<String, String> urns, Resource resource) {
		String urn = "urn:uuid:" + UUID.randomUUID();
		urns.put(resource.getIdElement().toUnqualifiedVersionless().getValue(), urn);
		return urn;
	}

	/** A copy without id or meta whose references point into the document or keep only their display. */
	private static Resource standalone(FhirContext fhir, DomainResource resource, Map<String, String> urns) {
		DomainResource copy = resource.copy();
		copy.setId((String) null);
		copy.setMeta(null);
		copy.setText(null);
		for (Reference reference : fhir.newTerser().getAllPopulatedChildElementsOfType(copy, Reference.class)) {
			String target = reference.getReferenceElement().toUnqualifiedVersionless().getValue();
			String urn = target == null ? null : urns.get(target);
			if (urn != null) {
				reference.setReference(urn);
			} else if (reference.hasReference()) {
				String display = reference.hasDisplay() ? reference.getDisplay() : reference.getReferenceElement().getResourceType() + " (not in this document)";
				reference.setReference(null).setIdentifier(null).setType(null).setDisplay(display);
			}
		}
		return copy;
	}
}
