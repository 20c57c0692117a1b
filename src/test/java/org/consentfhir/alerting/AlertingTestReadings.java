package org.consentfhir.alerting;

import org.hl7.fhir.r4.model.Observation;

/** Readings for tests elsewhere. */
public final class AlertingTestReadings {

	private AlertingTestReadings() {}

	/** A blood glucose reading (mg/dL) of the patient, now. */
	public static Observation glucose(String patient, String value) {
		return AlertingTest.vital(patient, "2339-0", value, "mg/dL");
	}
}
