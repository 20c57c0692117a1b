package org.consentfhir.interceptors.alerting;

import java.math.BigDecimal;

/** A rule one reading crossed: the rule, what was measured and the value. */
public record Alert(AlertRule rule, VitalSignDefinition measured, BigDecimal value, String unit) {

	/** The DetectedIssue's detail: the rule, the reading and the threshold it crossed. */
	public String detail() {
		return rule.name() + ": " + measured.display() + " " + plain(value) + " " + unit + " is " + rule.direction().word()
				+ " " + plain(rule.threshold()) + " " + rule.unit() + " (rule " + rule.code() + ", severity " + rule.severity() + ")";
	}

	private static String plain(BigDecimal number) {
		return number.stripTrailingZeros().toPlainString();
	}
}
