package org.consentfhir.interceptors.consent;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class PatientCompartmentTest {

	private final PatientCompartment compartment = new PatientCompartment(FhirContext.forR4Cached());

	@Test
	void aResourcesPatientsAreItselfOrTheOwnersOfItsCompartment() {
		Patient patient = new Patient();
		patient.setId("Patient/5/_history/2");
		Observation reading = new Observation();
		reading.setSubject(new Reference("Patient/5")).addPerformer(new Reference("http://other.example.org/fhir/Patient/6"));
		reading.addPerformer(new Reference("Practitioner/7"));

		assertThat(compartment.ownersOf(patient)).containsExactly("5");
		assertThat(compartment.ownersOf(reading)).containsExactlyInAnyOrder("5", "6");
		assertThat(compartment.ownersOf(new Practitioner())).isEmpty();
		assertThat(compartment.neverInARecord("Practitioner")).isTrue();
		assertThat(compartment.neverInARecord("Observation")).isFalse();
	}

	/** Consent and the audit both ask of every shown resource; the walk is done once per request. */
	@Test
	void theOwnersOfAShownResourceAreFoundOncePerRequest() {
		Observation reading = new Observation();
		reading.setSubject(new Reference("Patient/5"));
		SystemRequestDetails request = new SystemRequestDetails();

		assertThat(compartment.ownersOfShown(reading, request)).containsExactly("5");
		reading.setSubject(new Reference("Patient/9")); // nothing does this to a shown resource; it shows the walk is not repeated
		assertThat(compartment.ownersOfShown(reading, request)).containsExactly("5");

		assertThat(compartment.ownersOfShown(reading, new SystemRequestDetails())).containsExactly("9");
		assertThat(compartment.ownersOf(reading)).containsExactly("9");
		Observation another = new Observation();
		another.setSubject(new Reference("Patient/8"));
		assertThat(compartment.ownersOfShown(another, request)).containsExactly("8");
	}
}
