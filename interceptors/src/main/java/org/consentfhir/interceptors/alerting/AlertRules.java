package org.consentfhir.interceptors.alerting;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Type;

/**
 * The rule book: every ObservationDefinition the server holds, by code. It answers two questions
 * about an Observation: is each measurement (the value and each component whose code has a
 * definition) of the defined type and UCUM unit ({@link #problemsOf}), and which alert rules does
 * it cross ({@link #alertsFor}: per measurement, the most severe rule crossed). Codes without a
 * definition are left alone.
 */
public final class AlertRules {

	public static final AlertRules NONE = new AlertRules(List.of());

	private final Map<String, VitalSignDefinition> byCode = new HashMap<>();

	public AlertRules(Collection<VitalSignDefinition> definitions) {
		for (VitalSignDefinition definition : definitions) {
			byCode.put(key(definition.system(), definition.code()), definition);
		}
	}

	public static AlertRules fromDefinitions(Collection<ObservationDefinition> definitions) {
		return new AlertRules(definitions.stream().map(VitalSignDefinition::from).toList());
	}

	public Collection<VitalSignDefinition> definitions() {
		return byCode.values();
	}

	public Optional<VitalSignDefinition> definitionFor(CodeableConcept code) {
		for (Coding coding : code.getCoding()) {
			VitalSignDefinition definition = byCode.get(key(coding.getSystem(), coding.getCode()));
			if (definition != null) {
				return Optional.of(definition);
			}
		}
		return Optional.empty();
	}

	/** Why the reading does not fit its definitions (wrong unit, wrong value type); empty when it fits. */
	public List<String> problemsOf(Observation observation) {
		List<String> problems = new ArrayList<>();
		for (Measurement m : measurementsOf(observation)) {
			VitalSignDefinition definition = m.definition();
			if (m.value() == null) {
				if (!definition.permittedTypes().isEmpty() && !m.hasDataAbsentReason()) {
					problems.add(m.path() + ": a " + definition.display() + " reading needs a value or a dataAbsentReason");
				}
				continue;
			}
			String type = m.value().fhirType();
			if (!definition.permittedTypes().isEmpty() && !definition.permittedTypes().contains(type)) {
				problems.add(m.path() + ": a " + definition.display() + " value must be a "
						+ String.join(" or ", definition.permittedTypes().stream().sorted().toList()) + ", not a " + type);
				continue;
			}
			if (m.value() instanceof Quantity quantity && definition.unit() != null) {
				if (!VitalSignDefinition.UCUM.equals(quantity.getSystem()) || !definition.unit().equals(quantity.getCode())) {
					problems.add(m.path() + ": a " + definition.display() + " (LOINC " + definition.code() + ") must be in UCUM unit '"
							+ definition.unit() + "' (system " + VitalSignDefinition.UCUM + "), not '" + describe(quantity)
							+ "'; this server does not convert units");
				} else if (!quantity.hasValue()) {
					problems.add(m.path() + ": a " + definition.display() + " Quantity needs a value");
				}
			}
		}
		return problems;
	}

	/** The alerts a reading raises: per measurement, the most severe rule it crosses. */
	public List<Alert> alertsFor(Observation observation, Supplier<PatientFacts> patient) {
		if (observation.getStatus() == ObservationStatus.ENTEREDINERROR || observation.getStatus() == ObservationStatus.CANCELLED) {
			return List.of();
		}
		List<Alert> alerts = new ArrayList<>();
		PatientFacts facts = null;
		for (Measurement m : measurementsOf(observation)) {
			if (!(m.value() instanceof Quantity quantity) || !quantity.hasValue()) {
				continue;
			}
			AlertRule worst = null;
			for (AlertRule rule : m.definition().rules()) {
				if (rule.needsPatientFacts()) {
					facts = facts != null ? facts : patient.get();
					if (!rule.appliesTo(facts.gender(), facts.ageOn(dayOf(observation)))) {
						continue;
					}
				}
				if (rule.crossedBy(quantity.getValue()) && (worst == null || rule.severity().compareTo(worst.severity()) > 0)) {
					worst = rule;
				}
			}
			if (worst != null) {
				alerts.add(new Alert(worst, m.definition(), quantity.getValue(), quantity.getCode()));
			}
		}
		return alerts;
	}

	public boolean isEmpty() {
		return byCode.isEmpty();
	}

	private record Measurement(String path, VitalSignDefinition definition, Type value, boolean hasDataAbsentReason) {}

	private List<Measurement> measurementsOf(Observation observation) {
		List<Measurement> measurements = new ArrayList<>();
		definitionFor(observation.getCode()).ifPresent(d -> measurements.add(new Measurement(
				"Observation.value", d, observation.getValue(), observation.hasDataAbsentReason())));
		for (int i = 0; i < observation.getComponent().size(); i++) {
			var component = observation.getComponent().get(i);
			int index = i;
			definitionFor(component.getCode()).ifPresent(d -> measurements.add(new Measurement(
					"Observation.component[" + index + "].value", d, component.getValue(), component.hasDataAbsentReason())));
		}
		measurements.sort(Comparator.comparing(Measurement::path));
		return measurements;
	}

	private static LocalDate dayOf(Observation observation) {
		if (observation.hasEffectiveDateTimeType() && observation.getEffectiveDateTimeType().getValue() != null) {
			return observation.getEffectiveDateTimeType().getValue().toInstant().atZone(ZoneOffset.UTC).toLocalDate();
		}
		return LocalDate.now(ZoneOffset.UTC);
	}

	private static String describe(Quantity quantity) {
		String unit = quantity.hasCode() ? quantity.getCode() : quantity.hasUnit() ? quantity.getUnit() : "no unit";
		boolean otherSystem = quantity.hasSystem() && !VitalSignDefinition.UCUM.equals(quantity.getSystem());
		return otherSystem ? unit + " of " + quantity.getSystem() : unit;
	}

	private static String key(String system, String code) {
		return (system == null ? "" : system) + "|" + code;
	}

}
