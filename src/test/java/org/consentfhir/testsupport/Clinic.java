package org.consentfhir.testsupport;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Instant;
import java.util.Date;
import java.util.function.Consumer;
import org.consentfhir.interceptors.consent.ConsentDecider;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;

/**
 * The shared fixture builder of the consent tests: an organization with a doctor and a nurse (linked
 * by PractitionerRoles), patients, their records and Consents, stored through a trusted system
 * client, and tokens for the doctor, the nurse and a patient from {@link TestIssuer}.
 */
public final class Clinic {

	/** The client id of the clinic's app: not trusted, so every request of its tokens is consent-checked. */
	public static final String APP_CLIENT_ID = "ehr-app";

	public final String organization;
	public final String doctor;
	public final String nurse;
	private final IGenericClient system;
	private final String audience;

	public Clinic(IGenericClient system, String audience) {
		this.system = system;
		this.audience = audience;
		this.organization = create(new Organization().setName("Clinic " + java.util.UUID.randomUUID()));
		this.doctor = create(new Practitioner().addName(new HumanName().setFamily("Doctor")));
		this.nurse = create(new Practitioner().addName(new HumanName().setFamily("Nurse")));
		create(new PractitionerRole().setActive(true).setPractitioner(new Reference(doctor)).setOrganization(new Reference(organization)));
		create(new PractitionerRole().setActive(true).setPractitioner(new Reference(nurse)).setOrganization(new Reference(organization)));
	}

	public String create(org.hl7.fhir.r4.model.Resource resource) {
		return system.create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
	}

	/** A new patient; the id without type. */
	public String patient(String family) {
		return new org.hl7.fhir.r4.model.IdType(create(new Patient().addName(new HumanName().setFamily(family)))).getIdPart();
	}

	public String observation(String patient, String code, Date effective) {
		Observation observation = new Observation();
		observation.setStatus(Observation.ObservationStatus.FINAL);
		observation.getCode().addCoding(new Coding("urn:test:code", code, null));
		observation.setSubject(new Reference("Patient/" + patient));
		observation.setEffective(new org.hl7.fhir.r4.model.DateTimeType(effective));
		return create(observation);
	}

	public String observation(String patient, String code) {
		return observation(patient, code, new Date());
	}

	/** A Consent of the patient permitting {@code actor} for {@code purpose}; {@code changes} shape it further. */
	public String permit(String patient, String actor, PurposeOfUse purpose, Consumer<Consent> changes) {
		Consent consent = consent(patient, ConsentProvisionType.PERMIT, actor, purpose);
		changes.accept(consent);
		return create(consent);
	}

	public String permit(String patient, String actor, PurposeOfUse purpose) {
		return permit(patient, actor, purpose, c -> {});
	}

	public String deny(String patient, String actor) {
		return create(consent(patient, ConsentProvisionType.DENY, actor, null));
	}

	public void revoke(String consentId) {
		Consent consent = system.read().resource(Consent.class).withId(consentId).execute();
		consent.setStatus(Consent.ConsentState.INACTIVE);
		system.update().resource(consent).execute();
	}

	public static Consent consent(String patient, ConsentProvisionType type, String actor, PurposeOfUse purpose) {
		Consent consent = new Consent();
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(new Coding(ConsentDecider.SCOPE_SYSTEM, ConsentDecider.PATIENT_PRIVACY, null)));
		consent.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", null)));
		consent.setPatient(new Reference("Patient/" + patient));
		consent.getPolicyRule().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", null));
		consent.getProvision().setType(type);
		if (actor != null) {
			consent.getProvision().addActor()
					.setRole(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP", null)))
					.setReference(new Reference(actor));
		}
		if (purpose != null) {
			consent.getProvision().addPurpose(new Coding(PurposeOfUse.SYSTEM, purpose.code(), null));
		}
		return consent;
	}

	public static Period period(Instant start, Instant end) {
		return new Period().setStart(start == null ? null : Date.from(start)).setEnd(end == null ? null : Date.from(end));
	}

	public String doctorToken() {
		return userToken(doctor, "doctor", "user/*.cruds");
	}

	public String nurseToken() {
		return userToken(nurse, "nurse", "user/*.crus");
	}

	public String userToken(String fhirUser, String role, String scope) {
		return TestIssuer.get().token(audience, scope, c -> c
				.subject(fhirUser)
				.claim("client_id", APP_CLIENT_ID)
				.claim("fhirUser", fhirUser)
				.claim("role", role));
	}

	public String patientToken(String patient) {
		return TestIssuer.get().token(audience, "patient/*.cruds", c -> c
				.subject("patient-" + patient)
				.claim("client_id", APP_CLIENT_ID)
				.claim("fhirUser", "Patient/" + patient)
				.claim("patient", patient)
				.claim("role", "patient"));
	}
}
