package org.consentfhir.interceptors.alerting;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.hl7.fhir.r4.model.ObservationDefinition.ObservationDefinitionQualifiedIntervalComponent;
import org.hl7.fhir.r4.model.ObservationDefinition.ObservationRangeCategory;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;

/**
 * What one ObservationDefinition says about the readings of its code: which value types are
 * allowed, in which UCUM unit, and the alert rules its qualified intervals make.
 *
 * @param permittedTypes FHIR type names of {@code Observation.value[x]} ({@code Quantity}, ...); empty: any type
 *                       (a panel such as blood pressure has its values in components; the reading
 *                       profile says it has none of its own)
 * @param unit           the UCUM code a Quantity must carry, or null for any
 */
public record VitalSignDefinition(String id, String system, String code, String display, Set<String> permittedTypes,
		String unit, List<AlertRule> rules) {

	public static final String UCUM = "http://unitsofmeasure.org";

	public static VitalSignDefinition from(ObservationDefinition definition) {
		String id = definition.getIdElement().getIdPart();
		Coding coding = definition.getCode().getCodingFirstRep();
		if (id == null || coding.getCode() == null) {
			throw new IllegalArgumentException("ObservationDefinition " + id + " needs an id and a code");
		}
		String display = definition.getCode().hasText() ? definition.getCode().getText()
				: coding.hasDisplay() ? coding.getDisplay() : coding.getCode();
		Set<String> types = definition.getPermittedDataType().stream()
				.map(t -> t.getValue().toCode())
				.collect(Collectors.toUnmodifiableSet());
		String unit = definition.getQuantitativeDetails().getUnit().getCoding().stream()
				.filter(c -> UCUM.equals(c.getSystem()))
				.map(Coding::getCode)
				.findFirst().orElse(null);
		List<AlertRule> rules = new ArrayList<>();
		for (ObservationDefinitionQualifiedIntervalComponent interval : definition.getQualifiedInterval()) {
			rules.addAll(rulesOf(id, coding.getCode(), unit, interval));
		}
		return new VitalSignDefinition(id, coding.getSystem(), coding.getCode(), display, types, unit, List.copyOf(rules));
	}

	private static List<AlertRule> rulesOf(String id, String code, String unit, ObservationDefinitionQualifiedIntervalComponent interval) {
		AlertSeverity severity = severityOf(interval);
		String name = interval.hasCondition() ? interval.getCondition() : null;
		AdministrativeGender gender = interval.hasGender() ? interval.getGender() : null;
		BigDecimal minAge = interval.getAge().hasLow() ? years(interval.getAge().getLow()) : null;
		BigDecimal maxAge = interval.getAge().hasHigh() ? years(interval.getAge().getHigh()) : null;
		Range range = interval.getRange();
		List<AlertRule> rules = new ArrayList<>();
		if (range.hasHigh() && range.getHigh().hasValue()) {
			rules.add(rule(id, code, AlertRule.Direction.ABOVE, range.getHigh(), unit, severity, name, gender, minAge, maxAge));
		}
		if (range.hasLow() && range.getLow().hasValue()) {
			rules.add(rule(id, code, AlertRule.Direction.BELOW, range.getLow(), unit, severity, name, gender, minAge, maxAge));
		}
		return rules;
	}

	private static AlertRule rule(String id, String code, AlertRule.Direction direction, Quantity bound, String unit,
			AlertSeverity severity, String name, AdministrativeGender gender, BigDecimal minAge, BigDecimal maxAge) {
		BigDecimal threshold = bound.getValue();
		String ruleCode = id + "/" + direction.codePart() + "/" + threshold.stripTrailingZeros().toPlainString()
				+ (gender == null ? "" : "/" + gender.toCode())
				+ (minAge == null && maxAge == null ? "" : "/age-" + plain(minAge) + "-" + plain(maxAge));
		String ruleName = name != null ? name : (direction == AlertRule.Direction.ABOVE ? "High " : "Low ") + id;
		return new AlertRule(ruleCode, id, code, direction, threshold, unit, severity, ruleName, gender, minAge, maxAge);
	}

	private static AlertSeverity severityOf(ObservationDefinitionQualifiedIntervalComponent interval) {
		var extension = interval.getExtensionByUrl(AlertSeverity.EXTENSION_URL);
		if (extension != null && extension.getValue() != null) {
			return AlertSeverity.valueOf(extension.getValue().primitiveValue());
		}
		return interval.getCategory() == ObservationRangeCategory.CRITICAL ? AlertSeverity.CRITICAL : AlertSeverity.MEDIUM;
	}

	private static BigDecimal years(Quantity age) {
		BigDecimal value = age.getValue();
		String unit = age.hasCode() ? age.getCode() : "a";
		return switch (unit) {
			case "a" -> value;
			case "mo" -> value.divide(BigDecimal.valueOf(12), 4, java.math.RoundingMode.HALF_UP);
			case "wk" -> value.divide(BigDecimal.valueOf(52), 4, java.math.RoundingMode.HALF_UP);
			case "d" -> value.divide(BigDecimal.valueOf(365), 4, java.math.RoundingMode.HALF_UP);
			default -> throw new IllegalArgumentException("age unit " + unit + " (use a, mo, wk or d)");
		};
	}

	private static String plain(BigDecimal value) {
		return value == null ? "" : value.stripTrailingZeros().toPlainString();
	}
}
