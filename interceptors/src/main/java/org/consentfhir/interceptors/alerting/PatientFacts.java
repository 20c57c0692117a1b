package org.consentfhir.interceptors.alerting;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;

/** What age- and gender-specific rules need to know of a patient; either may be null. */
public record PatientFacts(AdministrativeGender gender, LocalDate birthDate) {

	public static final PatientFacts UNKNOWN = new PatientFacts(null, null);

	/** Age in years (fractional) on the given day, or null without a birth date. */
	public BigDecimal ageOn(LocalDate day) {
		if (birthDate == null) {
			return null;
		}
		return BigDecimal.valueOf(ChronoUnit.DAYS.between(birthDate, day)).divide(BigDecimal.valueOf(365.25), 4, RoundingMode.DOWN);
	}
}
