package org.consentfhir.interceptors.consent;

import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * The shape of an emergency override as a Consent: scope {@code patient-privacy}, a permit for one
 * practitioner, purposes {@code BTG} and {@code ETREAT}, a period from its start to its expiry, and
 * the HL7 security label {@code BTG} in {@code meta.security}, which is what marks it. Because the
 * period ends it, expiry needs no job.
 */
public final class BreakGlassConsents {

	public static final String CONSENT_CATEGORY_SYSTEM = "http://loinc.org";
	/** LOINC 59284-0 "Patient Consent". */
	public static final String CONSENT_CATEGORY_CODE = "59284-0";

	private BreakGlassConsents() {}

	public static boolean isBreakGlass(Consent consent) {
		return consent.getMeta().getSecurity().stream()
				.anyMatch(c -> PurposeOfUse.SYSTEM.equals(c.getSystem()) && PurposeOfUse.BTG.code().equals(c.getCode()));
	}

	static boolean coversActor(Consent consent, Set<String> actors) {
		return consent.getProvision().getActor().stream()
				.map(a -> a.getReference().getReferenceElement().toUnqualifiedVersionless().getValue())
				.anyMatch(actors::contains);
	}

	/** A new, active break-glass Consent. */
	public static Consent create(String patientId, String practitioner, String reason, Instant start, Instant end) {
		Consent consent = new Consent();
		consent.getMeta().addSecurity(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.BTG.code(), "break the glass"));
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(new Coding(ConsentDecider.SCOPE_SYSTEM, ConsentDecider.PATIENT_PRIVACY, "Privacy Consent")));
		consent.addCategory(new CodeableConcept(new Coding(CONSENT_CATEGORY_SYSTEM, CONSENT_CATEGORY_CODE, "Patient Consent")));
		consent.setPatient(new Reference("Patient/" + patientId));
		consent.setDateTime(Date.from(start));
		consent.addPerformer(new Reference(practitioner));
		consent.getPolicyRule().setText("Emergency access (break-the-glass): " + reason);
		consent.getPolicyRule().addCoding(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.BTG.code(), "break the glass"));
		Consent.ProvisionComponent provision = consent.getProvision();
		provision.setType(ConsentProvisionType.PERMIT);
		provision.setPeriod(new Period().setStart(Date.from(start)).setEnd(Date.from(end)));
		provision.addActor()
				.setRole(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP", "primary information recipient")))
				.setReference(new Reference(practitioner));
		provision.addPurpose(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.BTG.code(), PurposeOfUse.BTG.display()));
		provision.addPurpose(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.ETREAT.code(), PurposeOfUse.ETREAT.display()));
		return consent;
	}
}
