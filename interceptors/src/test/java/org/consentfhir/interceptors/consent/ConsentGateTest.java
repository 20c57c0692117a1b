package org.consentfhir.interceptors.consent;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.consentfhir.interceptors.auth.Role;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class ConsentGateTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final String HOSPITAL = "Organization/hosp";
	private static final ConsentCaller DOCTOR = new ConsentCaller(Set.of("Practitioner/doc", HOSPITAL), null, PurposeOfUse.TREAT,
			"token", false, null, "Practitioner/doc", Role.DOCTOR);

	/** The patient's Consents as the source has them now; a new list stands for a change, as the cache makes one. */
	private List<Consent> consents = List.of();

	private final ConsentSource source = new ConsentSource() {
		@Override
		public List<Consent> consentsOf(String patientId) {
			return consents;
		}

		@Override
		public Set<String> affiliationsOf(String person) {
			return Set.of();
		}
	};
	private final ConsentGate gate = new ConsentGate(FHIR, new ConsentDecider(DefaultConsentPolicy.OPT_IN), source, Clock.systemUTC());

	@Test
	void theRecordsOfOnePatientAndTypeAreDecidedOnceInARequest() {
		consents = List.of(consent("c1", ConsentProvisionType.DENY, null));
		RequestDetails request = new SystemRequestDetails();

		ConsentDecision first = gate.denialFor(DOCTOR, observation("o1", "2025-03-01"), request);
		ConsentDecision second = gate.denialFor(DOCTOR, observation("o2", "2025-04-01"), request);

		assertThat(first).isNotNull();
		assertThat(first.decidingConsent()).isEqualTo("Consent/c1");
		assertThat(second).isSameAs(first);
		assertThat(gate.denialFor(DOCTOR, observation("o3", "2025-05-01"), new SystemRequestDetails()))
				.as("another request decides for itself").isNotSameAs(first).isNotNull();
	}

	@Test
	void aChangeOfThePatientsConsentsIsDecidedAfreshInTheSameRequest() {
		consents = List.of(consent("c1", ConsentProvisionType.DENY, null));
		RequestDetails request = new SystemRequestDetails();
		assertThat(gate.denialFor(DOCTOR, observation("o1", "2025-03-01"), request)).isNotNull();

		consents = List.of(consent("c2", ConsentProvisionType.PERMIT, null));

		assertThat(gate.denialFor(DOCTOR, observation("o2", "2025-03-01"), request)).isNull();
	}

	@Test
	void consentsThatLookAtRecordDatesDecideEachRecordOnItsOwn() {
		consents = List.of(consent("c1", ConsentProvisionType.PERMIT, Instant.parse("2025-01-01T00:00:00Z")));
		RequestDetails request = new SystemRequestDetails();

		assertThat(gate.denialFor(DOCTOR, observation("new", "2025-06-01"), request)).isNull();
		assertThat(gate.denialFor(DOCTOR, observation("old", "2024-06-01"), request)).isNotNull();
		assertThat(gate.denialFor(DOCTOR, observation("newer", "2025-07-01"), request)).isNull();
	}

	private static Observation observation(String id, String effective) {
		Observation observation = new Observation();
		observation.setId("Observation/" + id);
		observation.setSubject(new Reference("Patient/p1"));
		observation.setEffective(new DateTimeType(effective));
		return observation;
	}

	private static Consent consent(String id, ConsentProvisionType type, Instant recordsFrom) {
		Consent consent = new Consent();
		consent.setId("Consent/" + id);
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(new Coding(ConsentDecider.SCOPE_SYSTEM, ConsentDecider.PATIENT_PRIVACY, null)));
		consent.setPatient(new Reference("Patient/p1"));
		ProvisionComponent provision = new ProvisionComponent().setType(type);
		provision.addActor().setReference(new Reference(HOSPITAL));
		provision.addPurpose(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.TREAT.code(), null));
		if (recordsFrom != null) {
			provision.setDataPeriod(new Period().setStart(Date.from(recordsFrom)));
		}
		return consent.setProvision(provision);
	}
}
