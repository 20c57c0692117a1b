package org.consentfhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;

/**
 * The setting of the consent tests: a clinic with a doctor, one patient ({@code consenting}) whose
 * Consent permits the clinic for treatment and another ({@code other}) who has none, both of one
 * family name, and an Observation code of this test alone.
 */
abstract class ClinicTest extends EndToEndTest {

	protected Clinic clinic;
	protected String consenting;
	protected String other;
	protected String family;
	protected String code;
	protected String doctorToken;

	@BeforeEach
	void aClinicAConsentingPatientAndAnother() {
		clinic = new Clinic(client, baseUrl());
		family = unique("Fam");
		code = unique("code");
		consenting = clinic.patient(family);
		other = clinic.patient(family);
		clinic.permit(consenting, clinic.organization, PurposeOfUse.TREAT);
		doctorToken = clinic.doctorToken();
	}

	protected Observation observationOf(String patient) {
		Observation observation = new Observation();
		observation.setStatus(Observation.ObservationStatus.FINAL);
		observation.getCode().addCoding(new Coding("urn:test:code", code, null));
		observation.setSubject(new Reference("Patient/" + patient));
		return observation;
	}

	protected static Bundle bundle(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
	}

	/** The resources of a result, as {@code Type/id}. */
	protected static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream()
				.map(BundleEntryComponent::getResource)
				.filter(r -> r != null && !(r instanceof org.hl7.fhir.r4.model.OperationOutcome))
				.map(r -> r.getIdElement().toUnqualifiedVersionless().getValue())
				.toList();
	}

	/** What a transaction's entries stored, as {@code Type/id}, from their response locations. */
	protected static List<String> storedIds(Bundle transactionResponse) {
		return transactionResponse.getEntry().stream()
				.map(entry -> new IdType(entry.getResponse().getLocation()).toUnqualifiedVersionless().getValue())
				.toList();
	}
}
