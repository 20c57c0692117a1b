package org.consentfhir.interceptors.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped rules (fhir-profiles/ObservationDefinition-*.json) at each threshold: just under, at, just over. */
class AlertRulesTest {

	private static AlertRules shipped;

	@BeforeAll
	static void readShippedDefinitions() throws IOException {
		var parser = FhirContext.forR4Cached().newJsonParser();
		try (Stream<Path> files = Files.list(Path.of("fhir-profiles"))) {
			shipped = AlertRules.fromDefinitions(files
					.filter(f -> f.getFileName().toString().startsWith("ObservationDefinition-"))
					.map(f -> {
						try {
							return parser.parseResource(ObservationDefinition.class, Files.readString(f));
						} catch (IOException e) {
							throw new IllegalStateException(e);
						}
					})
					.toList());
		}
	}

	/** loinc, unit, value, the alert expected ("-" for none) as severity:rule code. */
	@ParameterizedTest(name = "{0} {2} {1} -> {3}")
	@CsvSource({
		// glucose (mg/dL): > 300 critical high, > 180 high, < 70 low, < 54 critical low
		"2339-0, mg/dL, 300.1, CRITICAL:blood-glucose-mass/high/300",
		"2339-0, mg/dL, 300,   MEDIUM:blood-glucose-mass/high/180",
		"2339-0, mg/dL, 299.9, MEDIUM:blood-glucose-mass/high/180",
		"2339-0, mg/dL, 180.1, MEDIUM:blood-glucose-mass/high/180",
		"2339-0, mg/dL, 180,   -",
		"2339-0, mg/dL, 179.9, -",
		"2339-0, mg/dL, 70.1,  -",
		"2339-0, mg/dL, 70,    -",
		"2339-0, mg/dL, 69.9,  HIGH:blood-glucose-mass/low/70",
		"2339-0, mg/dL, 54.1,  HIGH:blood-glucose-mass/low/70",
		"2339-0, mg/dL, 54,    HIGH:blood-glucose-mass/low/70",
		"2339-0, mg/dL, 53.9,  CRITICAL:blood-glucose-mass/low/54",
		// glucose (mmol/L), the same thresholds converted
		"15074-8, mmol/L, 16.8, CRITICAL:blood-glucose-moles/high/16.7",
		"15074-8, mmol/L, 16.7, MEDIUM:blood-glucose-moles/high/10",
		"15074-8, mmol/L, 10.0, -",
		"15074-8, mmol/L, 3.9,  -",
		"15074-8, mmol/L, 3.8,  HIGH:blood-glucose-moles/low/3.9",
		"15074-8, mmol/L, 2.9,  CRITICAL:blood-glucose-moles/low/3",
		// heart rate: > 120 high, < 50 low
		"8867-4, /min, 121,   HIGH:heart-rate/high/120",
		"8867-4, /min, 120.1, HIGH:heart-rate/high/120",
		"8867-4, /min, 120,   -",
		"8867-4, /min, 119,   -",
		"8867-4, /min, 51,    -",
		"8867-4, /min, 50,    -",
		"8867-4, /min, 49.9,  HIGH:heart-rate/low/50",
		// SpO2: < 90 critical, < 95 low (both LOINC codes)
		"59408-5, %, 95.1, -",
		"59408-5, %, 95,   -",
		"59408-5, %, 94.9, MEDIUM:oxygen-saturation/low/95",
		"59408-5, %, 90.1, MEDIUM:oxygen-saturation/low/95",
		"59408-5, %, 90,   MEDIUM:oxygen-saturation/low/95",
		"59408-5, %, 89.9, CRITICAL:oxygen-saturation/low/90",
		"2708-6,  %, 95,   -",
		"2708-6,  %, 94.9, MEDIUM:oxygen-saturation-arterial/low/95",
		"2708-6,  %, 89.9, CRITICAL:oxygen-saturation-arterial/low/90",
		// systolic: > 180 critical, > 140 high, < 90 low
		"8480-6, mm[Hg], 180.1, CRITICAL:systolic-blood-pressure/high/180",
		"8480-6, mm[Hg], 180,   MEDIUM:systolic-blood-pressure/high/140",
		"8480-6, mm[Hg], 179.9, MEDIUM:systolic-blood-pressure/high/140",
		"8480-6, mm[Hg], 140.1, MEDIUM:systolic-blood-pressure/high/140",
		"8480-6, mm[Hg], 140,   -",
		"8480-6, mm[Hg], 139.9, -",
		"8480-6, mm[Hg], 90.1,  -",
		"8480-6, mm[Hg], 90,    -",
		"8480-6, mm[Hg], 89.9,  HIGH:systolic-blood-pressure/low/90",
		// temperature: > 39.4 high fever, > 38.0 fever, < 35.0 hypothermia
		"8310-5, Cel, 39.5, HIGH:body-temperature/high/39.4",
		"8310-5, Cel, 39.4, MEDIUM:body-temperature/high/38",
		"8310-5, Cel, 39.3, MEDIUM:body-temperature/high/38",
		"8310-5, Cel, 38.1, MEDIUM:body-temperature/high/38",
		"8310-5, Cel, 38.0, -",
		"8310-5, Cel, 37.9, -",
		"8310-5, Cel, 35.1, -",
		"8310-5, Cel, 35.0, -",
		"8310-5, Cel, 34.9, HIGH:body-temperature/low/35",
		// the other vitals
		"8462-4, mm[Hg], 120.1, CRITICAL:diastolic-blood-pressure/high/120",
		"8462-4, mm[Hg], 90,    -",
		"8462-4, mm[Hg], 90.1,  MEDIUM:diastolic-blood-pressure/high/90",
		"8462-4, mm[Hg], 59.9,  LOW:diastolic-blood-pressure/low/60",
		"9279-1, /min, 30.1, HIGH:respiratory-rate/high/30",
		"9279-1, /min, 24.1, MEDIUM:respiratory-rate/high/24",
		"9279-1, /min, 12,   -",
		"9279-1, /min, 11.9, MEDIUM:respiratory-rate/low/12",
		"9279-1, /min, 7.9,  CRITICAL:respiratory-rate/low/8",
		"8478-0, mm[Hg], 64.9, HIGH:mean-blood-pressure/low/65",
		"39156-5, kg/m2, 40.1, LOW:bmi/high/40",
		"39156-5, kg/m2, 15.9, MEDIUM:bmi/low/16",
		"4548-4, %, 6.5, -",
		"4548-4, %, 6.6, LOW:hba1c/high/6.5",
		"4548-4, %, 9.1, MEDIUM:hba1c/high/9",
		"72514-3, {score}, 6, -",
		"72514-3, {score}, 7, MEDIUM:pain-severity/high/6",
		"29463-7, kg, 250, -",
		"8302-2, cm, 250, -",
		"9843-4, cm, 60, -",
		"41950-7, /(24.h), 90000, -",
	})
	void raisesTheMostSevereRuleCrossed(String loinc, String unit, String value, String expected) {
		Observation reading = reading(loinc, unit, new BigDecimal(value));

		List<Alert> alerts = shipped.alertsFor(reading, () -> PatientFacts.UNKNOWN);

		String actual = alerts.isEmpty() ? "-" : alerts.get(0).rule().severity() + ":" + alerts.get(0).rule().code();
		assertEquals(expected, actual);
		assertTrue(alerts.size() <= 1);
	}

	@Test
	void bloodPressureComponentsAlertEachOnTheirOwn() {
		Observation panel = new Observation().setStatus(Observation.ObservationStatus.FINAL)
				.setCode(loinc("85354-9"));
		panel.addComponent().setCode(loinc("8480-6")).setValue(ucum(new BigDecimal("185"), "mm[Hg]"));
		panel.addComponent().setCode(loinc("8462-4")).setValue(ucum(new BigDecimal("95"), "mm[Hg]"));

		List<Alert> alerts = shipped.alertsFor(panel, () -> PatientFacts.UNKNOWN);

		assertEquals(List.of("diastolic-blood-pressure/high/90", "systolic-blood-pressure/high/180"),
				alerts.stream().map(a -> a.rule().code()).sorted().toList());
		assertTrue(shipped.problemsOf(panel).isEmpty());
	}

	@Test
	void refusesAReadingInAnotherUnitOrWithoutItsValue() {
		assertEquals(1, shipped.problemsOf(reading("2339-0", "mmol/L", new BigDecimal("5"))).size());
		assertTrue(shipped.problemsOf(reading("2339-0", "mmol/L", new BigDecimal("5"))).get(0).contains("'mg/dL'"));
		assertEquals(1, shipped.problemsOf(reading("8310-5", "[degF]", new BigDecimal("100"))).size());
		Observation heartRateAsText = reading("8867-4", "/min", BigDecimal.ONE).setValue(new org.hl7.fhir.r4.model.StringType("72"));
		assertEquals(1, shipped.problemsOf(heartRateAsText).size());
		assertTrue(shipped.problemsOf(heartRateAsText).get(0).contains("must be a Quantity, not a string"));
		Observation noValue = reading("8867-4", "/min", BigDecimal.ONE).setValue(null);
		assertEquals(1, shipped.problemsOf(noValue).size());
		assertTrue(shipped.problemsOf(reading("8867-4", "/min", new BigDecimal("72"))).isEmpty());
		assertTrue(shipped.problemsOf(reading("1234-5", "furlongs", BigDecimal.TEN)).isEmpty(), "codes without a definition are left alone");
	}

	@Test
	void ageAndGenderQualifiedRulesApplyOnlyToThosePatients() {
		ObservationDefinition infantHeartRate = new ObservationDefinition();
		infantHeartRate.setId("infant-heart-rate");
		infantHeartRate.setCode(loinc("8867-4"));
		infantHeartRate.getQuantitativeDetails().getUnit().addCoding(new Coding(VitalSignDefinition.UCUM, "/min", null));
		var interval = infantHeartRate.addQualifiedInterval()
				.setRange(new Range().setHigh(ucum(new BigDecimal("160"), "/min")))
				.setAge(new Range().setHigh(new Quantity().setValue(1).setCode("a")))
				.setGender(AdministrativeGender.FEMALE)
				.setCondition("Infant tachycardia");
		interval.addExtension(AlertSeverity.EXTENSION_URL, new org.hl7.fhir.r4.model.CodeType("HIGH"));
		AlertRules rules = AlertRules.fromDefinitions(List.of(infantHeartRate));
		Observation reading = reading("8867-4", "/min", new BigDecimal("170"));
		reading.setEffective(new DateTimeType("2026-06-01"));

		var infantGirl = new PatientFacts(AdministrativeGender.FEMALE, java.time.LocalDate.parse("2026-01-01"));
		var infantBoy = new PatientFacts(AdministrativeGender.MALE, java.time.LocalDate.parse("2026-01-01"));
		var olderGirl = new PatientFacts(AdministrativeGender.FEMALE, java.time.LocalDate.parse("2020-01-01"));

		assertEquals(1, rules.alertsFor(reading, () -> infantGirl).size());
		assertEquals("infant-heart-rate/high/160/female/age--1", rules.alertsFor(reading, () -> infantGirl).get(0).rule().code());
		assertEquals(0, rules.alertsFor(reading, () -> infantBoy).size());
		assertEquals(0, rules.alertsFor(reading, () -> olderGirl).size());
		assertEquals(0, rules.alertsFor(reading, () -> PatientFacts.UNKNOWN).size());
	}

	@Test
	void theReadingProfileNamesTheUnitOfEveryDefinition() throws IOException {
		var profile = FhirContext.forR4Cached().newJsonParser().parseResource(org.hl7.fhir.r4.model.StructureDefinition.class,
				Files.readString(Path.of("fhir-profiles/StructureDefinition-vital-sign-reading.json")));
		var constraints = profile.getDifferential().getElementFirstRep().getConstraint();

		assertEquals(shipped.definitions().size(), constraints.size());
		for (VitalSignDefinition definition : shipped.definitions()) {
			var constraint = constraints.stream().filter(c -> c.getKey().equals("vsr-" + definition.code())).findFirst();
			assertTrue(constraint.isPresent(), "no invariant for " + definition.code());
			String expression = constraint.get().getExpression();
			assertTrue(definition.unit() == null ? expression.endsWith("value.empty()") : expression.contains("code = '" + definition.unit() + "'"),
					definition.code() + ": " + expression);
		}
	}

	@Test
	void enteredInErrorReadingsRaiseNothing() {
		Observation reading = reading("2339-0", "mg/dL", new BigDecimal("400"));
		reading.setStatus(Observation.ObservationStatus.ENTEREDINERROR);

		assertTrue(shipped.alertsFor(reading, () -> PatientFacts.UNKNOWN).isEmpty());
	}

	private static Observation reading(String loinc, String unit, BigDecimal value) {
		return new Observation().setStatus(Observation.ObservationStatus.FINAL)
				.setCode(loinc(loinc))
				.setValue(ucum(value, unit));
	}

	private static CodeableConcept loinc(String code) {
		return new CodeableConcept(new Coding("http://loinc.org", code, null));
	}

	private static Quantity ucum(BigDecimal value, String unit) {
		return new Quantity().setValue(value).setSystem(VitalSignDefinition.UCUM).setCode(unit).setUnit(unit);
	}
}
