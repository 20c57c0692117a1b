package org.consentfhir.interceptors.alerting;

/** Where the current rule book comes from (the stored ObservationDefinitions, kept current across nodes). */
public interface AlertRuleSource {

	AlertRules current();
}
