package org.consentfhir.interceptors.alerting;

import org.hl7.fhir.r4.model.DetectedIssue.DetectedIssueSeverity;

/**
 * The four severities of an alert rule and their FHIR codes: {@code DetectedIssue.severity} has
 * three levels, so HIGH and CRITICAL share {@code high}; the Flag's priority (extension
 * {@code flag-priority}, codes {@code PL PM PH}) likewise. The exact severity is kept as the
 * {@value #EXTENSION_URL} extension on both.
 */
public enum AlertSeverity {
	LOW(DetectedIssueSeverity.LOW, "PL", "Low priority"),
	MEDIUM(DetectedIssueSeverity.MODERATE, "PM", "Medium priority"),
	HIGH(DetectedIssueSeverity.HIGH, "PH", "High priority"),
	CRITICAL(DetectedIssueSeverity.HIGH, "PH", "High priority");

	public static final String EXTENSION_URL = "https://consentfhir.org/fhir/StructureDefinition/alert-severity";
	public static final String CODE_SYSTEM = "https://consentfhir.org/fhir/CodeSystem/alert-severity";

	private final DetectedIssueSeverity detectedIssueSeverity;
	private final String flagPriority;
	private final String flagPriorityDisplay;

	AlertSeverity(DetectedIssueSeverity detectedIssueSeverity, String flagPriority, String flagPriorityDisplay) {
		this.detectedIssueSeverity = detectedIssueSeverity;
		this.flagPriority = flagPriority;
		this.flagPriorityDisplay = flagPriorityDisplay;
	}

	public DetectedIssueSeverity detectedIssueSeverity() {
		return detectedIssueSeverity;
	}

	public String flagPriority() {
		return flagPriority;
	}

	public String flagPriorityDisplay() {
		return flagPriorityDisplay;
	}
}
