package org.consentfhir.interceptors.alerting;

/** Where the current rule book comes from (the stored ObservationDefinitions, kept current across nodes). */
public interface AlertRuleSource {

	AlertRules current();

	/** A definition is being written: the book is read again once the current transaction commits (at once outside one). */
	void reloadAfterCommit();
}
