package org.consentfhir.interceptors.alerting;

import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import org.hl7.fhir.r4.model.Observation;

/** Writes what an alert leaves behind, inside the database transaction of the reading that raised it. */
public interface AlertStore {

	/**
	 * Stores a DetectedIssue for the alert and raises the patient's Flag for its rule, or updates
	 * the Flag when one is already active.
	 *
	 * @param transaction the reading's transaction: Flags raised earlier in it are remembered there
	 */
	void record(Alert alert, Observation reading, String patientId, TransactionDetails transaction);

	/** Gender and birth date, for rules that depend on them. */
	PatientFacts patientFacts(String patientId);
}
