package org.consentfhir.interceptors.auth;

import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.IdType;

/**
 * The access rule of one {@code $operation} the server adds: under which SMART scopes it may be
 * called. An operation brings its own; {@link ScopeRules} adds every one to the rules of each request,
 * ahead of the default deny. What the operation then does is checked again on its own terms (consent
 * for every record it shows, its own role rules).
 */
@FunctionalInterface
public interface OperationRule {

	/**
	 * Adds the rules that allow the operation where {@code scopes} permit it (nothing where they do
	 * not). {@code patient} is the token's patient, null without one; the scopes have been stripped of
	 * {@code patient/} scopes when there is none.
	 */
	void allow(RuleBuilder rules, List<SmartScope> scopes, IdType patient);

	/**
	 * An operation on one Patient: a user or system scope that reads {@code staffReads} allows it on any
	 * Patient, a patient scope that reads {@code ownReads} (null: any type) on the token's own patient.
	 * With {@code checkEachResource} every resource of its answer must be readable as well (an answer
	 * of patient data); without, it answers no patient data of its own.
	 */
	static OperationRule onPatient(String name, String staffReads, String ownReads, boolean checkEachResource) {
		return new PatientOperationRule(name, staffReads, ownReads, checkEachResource);
	}

	/** Allows the operation as {@code allow} adds its rules, where any of the token's scopes {@code permits} it. */
	static OperationRule whenAnyScope(Predicate<SmartScope> permits, Consumer<RuleBuilder> allow) {
		return (rules, scopes, patient) -> {
			if (scopes.stream().anyMatch(permits)) {
				allow.accept(rules);
			}
		};
	}
}
