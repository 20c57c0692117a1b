package org.consentfhir.interceptors.identity;

import java.util.List;

/** The ids of the stored Patients that carry an identifier (looked up as the server, whoever asks). */
@FunctionalInterface
public interface PatientsByIdentifier {

	List<String> patientsWith(String system, String value);
}
