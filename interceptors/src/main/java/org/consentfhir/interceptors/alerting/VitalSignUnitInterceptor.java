package org.consentfhir.interceptors.alerting;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Refuses an Observation whose measurement does not fit its ObservationDefinition (a heart rate in
 * {@code /s}, a glucose without a value) with 422 and an OperationOutcome naming each problem,
 * before anything is stored; in a transaction, nothing of the transaction is stored. Units are not
 * converted.
 *
 * <p>Hooks {@code STORAGE_PRESTORAGE_RESOURCE_CREATED} and {@code _UPDATED}, order
 * {@link InterceptorOrder#VITAL_SIGN_UNITS}.
 */
@Interceptor(order = InterceptorOrder.VITAL_SIGN_UNITS)
public class VitalSignUnitInterceptor implements StorageInterceptor {

	private final AlertRuleSource rules;

	public VitalSignUnitInterceptor(AlertRuleSource rules) {
		this.rules = rules;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource) {
		check(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource oldResource, IBaseResource newResource) {
		check(newResource);
	}

	private void check(IBaseResource resource) {
		if (!(resource instanceof Observation observation)) {
			return;
		}
		List<String> problems = rules.current().problemsOf(observation);
		if (problems.isEmpty()) {
			return;
		}
		OperationOutcome outcome = new OperationOutcome();
		problems.forEach(problem -> outcome.addIssue()
				.setSeverity(IssueSeverity.ERROR)
				.setCode(IssueType.INVALID)
				.setDiagnostics(problem)
				.addExpression(problem.substring(0, problem.indexOf(':'))));
		throw new UnprocessableEntityException("The reading does not fit its ObservationDefinition: " + String.join("; ", problems), outcome);
	}
}
