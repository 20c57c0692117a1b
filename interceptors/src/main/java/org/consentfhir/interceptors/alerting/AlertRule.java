package org.consentfhir.interceptors.alerting;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;

/**
 * One alert rule: a reading of {@code measuredCode} above (or below) {@code threshold} raises an
 * alert named {@code name} of {@code severity}. It comes from one qualifiedInterval of an
 * ObservationDefinition, whose range is what a reading may be without the alert: a reading exactly
 * at the threshold raises nothing.
 *
 * @param code       the rule's stable code, {@code <definition id>/<high|low>/<threshold>}: the Flag's code
 * @param gender     the patients the rule is for, or null for every patient
 * @param minAgeYears the youngest age (inclusive) the rule is for, or null
 * @param maxAgeYears the oldest age (inclusive) the rule is for, or null
 */
public record AlertRule(
		String code,
		String definitionId,
		String measuredCode,
		Direction direction,
		BigDecimal threshold,
		String unit,
		AlertSeverity severity,
		String name,
		AdministrativeGender gender,
		BigDecimal minAgeYears,
		BigDecimal maxAgeYears) {

	public static final String CODE_SYSTEM = "https://consentfhir.org/fhir/alert-rules";

	public enum Direction {
		ABOVE("high", "above"),
		BELOW("low", "below");

		private final String codePart;
		private final String word;

		Direction(String codePart, String word) {
			this.codePart = codePart;
			this.word = word;
		}

		public String codePart() {
			return codePart;
		}

		public String word() {
			return word;
		}
	}

	public boolean crossedBy(BigDecimal value) {
		int comparison = value.compareTo(threshold);
		return direction == Direction.ABOVE ? comparison > 0 : comparison < 0;
	}

	/** Whether the rule is for a patient of this gender and age (null: not known). */
	public boolean appliesTo(AdministrativeGender patientGender, BigDecimal ageYears) {
		if (gender != null && gender != patientGender) {
			return false;
		}
		if (minAgeYears == null && maxAgeYears == null) {
			return true;
		}
		if (ageYears == null) {
			return false;
		}
		return (minAgeYears == null || ageYears.compareTo(minAgeYears) >= 0)
				&& (maxAgeYears == null || ageYears.compareTo(maxAgeYears) <= 0);
	}

	public boolean needsPatientFacts() {
		return gender != null || minAgeYears != null || maxAgeYears != null;
	}
}
