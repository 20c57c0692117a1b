package org.consentfhir.interceptors.alerting;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Raises alerts for vital-sign readings: when an Observation is created or updated, each rule it
 * crosses ({@link AlertRules#alertsFor}) becomes a DetectedIssue and an active Flag on the patient,
 * written by the {@link AlertStore} in the reading's own database transaction, so an alert is
 * stored exactly when its reading is. An update raises only what the previous version did not.
 *
 * <p>Hooks {@code STORAGE_PRECOMMIT_RESOURCE_CREATED} and {@code _UPDATED} (in a transaction
 * Bundle HAPI calls them once every entry is stored and its references resolved), order
 * {@link InterceptorOrder#ALERTING}.
 */
@Interceptor(order = InterceptorOrder.ALERTING)
public class VitalSignAlertingInterceptor implements StorageInterceptor {

	private final AlertRuleSource rules;
	private final AlertStore store;

	public VitalSignAlertingInterceptor(AlertRuleSource rules, AlertStore store) {
		this.rules = rules;
		this.store = store;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void storagePrecommitResourceCreated(IBaseResource resource, TransactionDetails transaction) {
		if (resource instanceof Observation reading) {
			raise(reading, Set.of(), transaction);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void storagePrecommitResourceUpdated(IBaseResource oldResource, IBaseResource newResource, TransactionDetails transaction) {
		if (newResource instanceof Observation reading) {
			Set<String> raisedBefore = oldResource instanceof Observation previous
					? alertsOf(previous).stream().map(a -> a.rule().code()).collect(Collectors.toSet())
					: Set.of();
			raise(reading, raisedBefore, transaction);
		}
	}

	private void raise(Observation reading, Set<String> raisedBefore, TransactionDetails transaction) {
		for (Alert alert : alertsOf(reading)) {
			if (!raisedBefore.contains(alert.rule().code())) {
				store.record(alert, reading, patientOf(reading), transaction);
			}
		}
	}

	private List<Alert> alertsOf(Observation reading) {
		String patient = patientOf(reading);
		if (patient == null) {
			return List.of();
		}
		return rules.current().alertsFor(reading, () -> store.patientFacts(patient));
	}

	private static String patientOf(Observation reading) {
		var subject = reading.getSubject().getReferenceElement();
		return "Patient".equals(subject.getResourceType()) && subject.getIdPart() != null ? subject.getIdPart() : null;
	}
}
