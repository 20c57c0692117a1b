package org.consentfhir.interceptors.alerting;

import java.util.Date;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.DetectedIssue.DetectedIssueStatus;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Flag.FlagStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * The FHIR resources an alert leaves: a DetectedIssue per crossing (implicating the reading) and
 * one active Flag per patient and rule.
 *
 * <ul>
 *   <li>both carry the rule as code ({@value AlertRule#CODE_SYSTEM}, e.g.
 *       {@code blood-glucose-mass/high/300}) and the exact severity ({@value AlertSeverity#EXTENSION_URL});</li>
 *   <li>the DetectedIssue's severity and the Flag's priority ({@value #FLAG_PRIORITY}) follow {@link AlertSeverity};</li>
 *   <li>the Flag is category {@code clinical}, its period starts when first raised, its
 *       {@value #FLAG_DETAIL} points at the latest DetectedIssue and its code's text says the latest reading.</li>
 * </ul>
 */
public final class AlertResources {

	public static final String FLAG_PRIORITY = "http://hl7.org/fhir/StructureDefinition/flag-priority";
	public static final String FLAG_PRIORITY_CODES = "http://hl7.org/fhir/flag-priority-code";
	public static final String FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail";
	public static final String FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category";

	private AlertResources() {}

	public static DetectedIssue detectedIssue(Alert alert, Observation reading, String patientId, Date now) {
		DetectedIssue issue = new DetectedIssue();
		issue.setStatus(DetectedIssueStatus.FINAL);
		issue.setCode(ruleCode(alert));
		issue.setSeverity(alert.rule().severity().detectedIssueSeverity());
		issue.addExtension(AlertSeverity.EXTENSION_URL, new CodeType(alert.rule().severity().name()));
		issue.setPatient(new Reference("Patient/" + patientId));
		issue.setIdentified(reading.hasEffectiveDateTimeType() ? reading.getEffectiveDateTimeType().copy()
				: new org.hl7.fhir.r4.model.DateTimeType(now));
		issue.addImplicated(new Reference(reading.getIdElement().toUnqualifiedVersionless().getValue()));
		issue.setDetail(alert.detail());
		return issue;
	}

	public static Flag newFlag(Alert alert, Observation reading, String patientId, Date now) {
		Flag flag = new Flag();
		flag.setStatus(FlagStatus.ACTIVE);
		flag.addCategory(new CodeableConcept(new Coding(FLAG_CATEGORY, "clinical", "Clinical")));
		flag.setSubject(new Reference("Patient/" + patientId));
		flag.setPeriod(new Period().setStart(now));
		flag.addExtension(AlertSeverity.EXTENSION_URL, new CodeType(alert.rule().severity().name()));
		flag.addExtension(FLAG_PRIORITY, new CodeableConcept(new Coding(FLAG_PRIORITY_CODES,
				alert.rule().severity().flagPriority(), alert.rule().severity().flagPriorityDisplay())));
		if (reading.hasDevice()) {
			flag.setAuthor(reading.getDevice().copy());
		}
		return flag;
	}

	/** Points the Flag at the latest DetectedIssue of its rule and says the latest reading. */
	public static Flag withLatest(Flag flag, Alert alert, String detectedIssueId) {
		flag.setCode(ruleCode(alert));
		flag.getCode().setText(alert.detail());
		flag.getExtension().removeIf(e -> FLAG_DETAIL.equals(e.getUrl()));
		flag.addExtension(FLAG_DETAIL, new Reference(detectedIssueId));
		return flag;
	}

	private static CodeableConcept ruleCode(Alert alert) {
		return new CodeableConcept(new Coding(AlertRule.CODE_SYSTEM, alert.rule().code(), alert.rule().name()));
	}
}
