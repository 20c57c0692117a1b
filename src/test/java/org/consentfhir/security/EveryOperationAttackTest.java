package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Walks every operation the server lists in its CapabilityStatement, and the instance
 * interactions, against a patient and a reading the doctor may not see, and checks that no answer
 * carries their content or confirms them: no name, no code, no version. A new operation that
 * forgets the consent decision fails here.
 */
class EveryOperationAttackTest extends EndToEndTest {

	/** The emergency path: opening a hidden record is what it is for (BreakGlassTest). */
	private static final Set<String> BY_DESIGN = Set.of("break-glass", "break-glass-end");

	private String doctor;
	private String hiddenFamily;
	private String hiddenCode;
	private String hiddenPatient;
	private String hiddenReading;

	@BeforeEach
	void aPatientHiddenFromTheDoctor() {
		Clinic clinic = new Clinic(client, baseUrl());
		hiddenFamily = unique("Hidden");
		hiddenCode = unique("secret");
		hiddenPatient = "Patient/" + clinic.patient(hiddenFamily);
		Observation reading = new Observation();
		reading.setStatus(Observation.ObservationStatus.FINAL);
		reading.getCode().addCoding(new Coding("urn:test:code", hiddenCode, null));
		reading.setSubject(new Reference(hiddenPatient));
		hiddenReading = clinic.create(reading);
		clinic.permit(clinic.patient(unique("Other")), clinic.organization, PurposeOfUse.TREAT);
		doctor = clinic.doctorToken();
	}

	@Test
	void noOperationOrInteractionRevealsAHiddenRecord() {
		CapabilityStatement capabilities = client.capabilities().ofType(CapabilityStatement.class).execute();
		List<String[]> calls = new ArrayList<>();
		for (String target : List.of(hiddenPatient, hiddenReading)) {
			String type = target.substring(0, target.indexOf('/'));
			calls.add(new String[] {"GET", "/fhir/" + target});
			calls.add(new String[] {"GET", "/fhir/" + target + "/_history"});
			calls.add(new String[] {"GET", "/fhir/" + target + "/_history/1"});
			calls.add(new String[] {"GET", "/fhir/" + type + "?_id=" + idOf(target)});
			calls.add(new String[] {"GET", "/fhir/" + type + "?_id=" + idOf(target) + "&_count=1&_total=accurate"});
			calls.add(new String[] {"DELETE", "/fhir/" + type + "?_id=" + idOf(target)});
			for (String operation : operationsOf(capabilities, type)) {
				calls.add(new String[] {"GET", "/fhir/" + target + "/$" + operation});
				calls.add(new String[] {"POST", "/fhir/" + target + "/$" + operation});
			}
		}
		for (String operation : operationsOf(capabilities, "Observation")) {
			calls.add(new String[] {"GET", "/fhir/Observation/$" + operation + "?code=urn:test:code%7C" + hiddenCode});
		}
		calls.add(new String[] {"GET", "/fhir/Observation?code=urn:test:code%7C" + hiddenCode});
		calls.add(new String[] {"GET", "/fhir/Patient?family=" + hiddenFamily});

		for (String[] call : calls) {
			HttpResponse<String> answer = send(call[0], call[1], "application/fhir+json",
					"POST".equals(call[0]) ? FHIR.newJsonParser().encodeResourceToString(new Parameters()) : null,
					"Authorization", "Bearer " + doctor);

			String what = call[0] + " " + call[1] + " → " + answer.statusCode();
			assertThat(answer.statusCode()).as(what).isNotEqualTo(500);
			if (call[1].contains(hiddenCode) || call[1].contains(hiddenFamily)) { // the self link repeats what was asked
				assertThat(answer.body()).as(what).doesNotContain("\"entry\"").doesNotContain("versionId");
			} else {
				assertThat(answer.body()).as(what).doesNotContain(hiddenFamily).doesNotContain(hiddenCode).doesNotContain("versionId");
			}
			assertThat(answer.headers().firstValue("ETag")).as(what).isEmpty();
			if (answer.statusCode() >= 400) { // a search's Last-Modified is the time of the search; a refusal has none of the record's
				assertThat(answer.headers().firstValue("Last-Modified")).as(what).isEmpty();
			}
		}
	}

	/** The operations the CapabilityStatement lists for a type (without the leading $), the emergency path left out. */
	private static Set<String> operationsOf(CapabilityStatement capabilities, String type) {
		Set<String> names = new LinkedHashSet<>();
		for (CapabilityStatementRestResourceComponent resource : capabilities.getRestFirstRep().getResource()) {
			if (resource.getType().equals(type)) {
				for (CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
					if (!BY_DESIGN.contains(operation.getName())) {
						names.add(operation.getName());
					}
				}
			}
		}
		assertThat(names).as("operations of " + type).isNotEmpty();
		return names;
	}

	private static String idOf(String reference) {
		return reference.substring(reference.indexOf('/') + 1);
	}
}
