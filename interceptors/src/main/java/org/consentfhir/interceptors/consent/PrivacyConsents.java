package org.consentfhir.interceptors.consent;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Consents this server writes itself (a break-glass override, a registration's treatment
 * consent): active, scope {@code patient-privacy}, category LOINC 59284-0 "Patient Consent", a
 * permit for the given actors (as primary information recipients) and purposes.
 */
public final class PrivacyConsents {

	public static final String CATEGORY_SYSTEM = "http://loinc.org";
	/** LOINC 59284-0 "Patient Consent". */
	public static final String CATEGORY_CODE = "59284-0";

	private PrivacyConsents() {}

	public static Consent permit(String patientId, List<String> actors, List<PurposeOfUse> purposes, Instant at) {
		Consent consent = new Consent();
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(new Coding(ConsentDecider.SCOPE_SYSTEM, ConsentDecider.PATIENT_PRIVACY, "Privacy Consent")));
		consent.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, CATEGORY_CODE, "Patient Consent")));
		consent.setPatient(new Reference("Patient/" + patientId));
		consent.setDateTime(Date.from(at));
		Consent.ProvisionComponent provision = consent.getProvision().setType(ConsentProvisionType.PERMIT);
		actors.forEach(actor -> provision.addActor()
				.setRole(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP", "primary information recipient")))
				.setReference(new Reference(actor)));
		purposes.forEach(purpose -> provision.addPurpose(purpose.coding()));
		return consent;
	}
}
