package org.consentfhir.interceptors.auth;

import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderOperationNamedAndScoped;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import org.consentfhir.interceptors.auth.SmartScope.Context;
import org.consentfhir.interceptors.auth.SmartScope.Permission;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/** {@link OperationRule#onPatient}: an operation on one Patient, for its readers. */
record PatientOperationRule(String name, String staffReads, String ownReads, boolean checkEachResource) implements OperationRule {

	@Override
	public void allow(RuleBuilder rules, List<SmartScope> scopes, IdType patient) {
		boolean staff = scopes.stream().anyMatch(s ->
				s.context() != Context.PATIENT && s.coversType(staffReads) && s.allows(Permission.READ));
		boolean own = scopes.stream().anyMatch(s -> s.context() == Context.PATIENT && s.allows(Permission.READ)
				&& (ownReads == null || s.coversType(ownReads)));
		if (staff) {
			finish(rules.allow(name + " of any Patient, for a reader of " + staffReads)
					.operation().named(name).onInstancesOfType(Patient.class));
		} else if (own) {
			finish(rules.allow(name + " of the token's own patient").operation().named(name).onInstance(patient));
		}
	}

	private void finish(IAuthRuleBuilderOperationNamedAndScoped scoped) {
		if (checkEachResource) {
			scoped.andRequireExplicitResponseAuthorization();
		} else {
			scoped.andAllowAllResponses();
		}
	}
}
