package org.consentfhir.abdm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** The ABDM profiles in fhir-profiles/ (written from the IG) hold documents to the IG's rules, through HAPI's validator. */
class AbdmProfilesTest extends EndToEndTest {

	private static final String IG = "https://nrces.in/ndhm/fhir/r4/StructureDefinition/";

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = {"DocumentBundle", "OPConsultRecord", "PrescriptionRecord",
		"DiagnosticReportRecord", "DischargeSummaryRecord", "ImmunizationRecord", "HealthDocumentRecord", "WellnessRecord"})
	void everyProfileHasASnapshot(String profile) {
		HttpResponse<String> response = send("GET", "/fhir/StructureDefinition/abdm-" + profile + "/$snapshot", null, null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		var snapshot = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.StructureDefinition.class, response.body()).getSnapshot();
		String required = profile.equals("DocumentBundle") ? "Bundle.timestamp" : "Composition.subject";
		assertThat(snapshot.getElement()).anyMatch(e -> e.getPath().equals(required) && e.getMin() == 1);
	}

	@Test
	void aWellnessRecordDocumentConforms() {
		HttpResponse<String> response = validate(document("Vital Signs", true));

		assertThat(errors(response)).as(response.body()).isEmpty();
	}

	@Test
	void aDocumentWithoutIdentifierOrWithAnUnknownSectionDoesNot() {
		List<String> errors = errors(validate(document("Gossip", false)));

		assertThat(errors).anyMatch(e -> e.contains("abdm-wellness-1"));
		assertThat(errors).anyMatch(e -> e.contains("Bundle.identifier"));
	}

	@Test
	void anOpConsultationNeedsItsSnomedTypeAndEncounter() {
		String composition = """
				{"resourceType":"Composition","meta":{"profile":["%sOPConsultRecord"]},"status":"final",
				 "type":{"coding":[{"system":"http://snomed.info/sct","code":"371530004"}]},"subject":{"reference":"Patient/1"},
				 "date":"2026-11-21","author":[{"reference":"Practitioner/1"}],"title":"OP consultation",
				 "section":[{"title":"Allergies","code":{"coding":[{"system":"http://snomed.info/sct","code":"722446000"}]}}]}""".formatted(IG);
		HttpResponse<String> response = send("POST", "/fhir/Composition/$validate", "application/fhir+json", composition);

		assertThat(errors(response)).anyMatch(e -> e.contains("Composition.encounter"));
	}

	private HttpResponse<String> validate(String bundle) {
		return send("POST", "/fhir/Bundle/$validate", "application/fhir+json", bundle);
	}

	private static List<String> errors(HttpResponse<String> response) {
		return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body()).getIssue().stream()
				.filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
				.map(i -> i.getDiagnostics() + " @ " + i.getExpression())
				.toList();
	}

	private static String document(String sectionTitle, boolean withIdentifier) {
		return """
				{"resourceType":"Bundle","meta":{"versionId":"1","profile":["%1$sDocumentBundle"],
				  "security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"V"}]},
				 %2$s"type":"document","timestamp":"2026-11-21T10:00:00+05:30",
				 "entry":[
				  {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111","resource":{"resourceType":"Composition",
				    "meta":{"profile":["%1$sWellnessRecord"]},"status":"final","type":{"text":"Wellness Record"},
				    "subject":{"reference":"urn:uuid:22222222-2222-4222-8222-222222222222"},"date":"2026-11-21T10:00:00+05:30",
				    "author":[{"reference":"urn:uuid:33333333-3333-4333-8333-333333333333"}],"title":"Wellness Record",
				    "section":[{"title":"%3$s","entry":[{"reference":"urn:uuid:44444444-4444-4444-8444-444444444444"}]}]}},
				  {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222","resource":{"resourceType":"Patient","name":[{"text":"Asha Sharma"}],"gender":"female"}},
				  {"fullUrl":"urn:uuid:33333333-3333-4333-8333-333333333333","resource":{"resourceType":"Organization","name":"City Hospital"}},
				  {"fullUrl":"urn:uuid:44444444-4444-4444-8444-444444444444","resource":{"resourceType":"Observation","status":"final",
				    "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
				    "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}],"text":"Heart rate"},
				    "subject":{"reference":"urn:uuid:22222222-2222-4222-8222-222222222222"},"effectiveDateTime":"2026-11-21T09:00:00+05:30",
				    "valueQuantity":{"value":72,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}}}]}"""
				.formatted(IG, withIdentifier ? "\"identifier\":{\"system\":\"https://hospital.example/documents\",\"value\":\"doc-1\"}," : "", sectionTitle);
	}
}
