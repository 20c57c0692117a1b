package org.consentfhir.interceptors.consent;

import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Consent;

/**
 * Where consent decisions get their inputs: the patient's Consents as stored now, and the
 * organizations and care teams a person acts for. Implementations may cache, as long as a change to
 * any Consent, PractitionerRole or CareTeam is seen by the very next request.
 */
public interface ConsentSource {

	/** Called once at the start of each request, before its decisions: a cache checks here that it is still current. */
	default void beginRequest() {}

	/** Every Consent whose {@code patient} is this patient (any status; the decider filters). */
	List<Consent> consentsOf(String patientId);

	/** {@code Organization/…} and {@code CareTeam/…} references the person ({@code Practitioner/1}) acts for. */
	Set<String> affiliationsOf(String person);

	/**
	 * The patients (ids) with an active Consent that may let one of these actors in: its provision
	 * names one of them, or names no actor at all, and it (or a provision within it) permits. A superset of the patients the decider permits
	 * (it still decides each record); null when the source cannot say (then nothing is narrowed).
	 */
	default Set<String> patientsWhoMayAdmit(Set<String> actors) {
		return null;
	}
}
