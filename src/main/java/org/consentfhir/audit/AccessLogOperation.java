package org.consentfhir.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;

/**
 * {@code Patient/{id}/$access-log[?_count=n]}: who accessed this patient's record, when, how and
 * from where, newest first, as a Bundle of the AuditEvents that name the patient (break-glass
 * events included, as they arrive). For the patient (a patient-context token), the auditor role
 * and trusted clients (AuditEventAccessInterceptor).
 */
public class AccessLogOperation implements FhirOperation {

	static final int DEFAULT_COUNT = 100;
	static final int MAX_COUNT = 1000;

	private final DaoRegistry daos;
	private final AuditEventStore store;

	public AccessLogOperation(DaoRegistry daos, AuditEventStore store) {
		this.daos = daos;
		this.store = store;
	}

	/** A reader of AuditEvents may read any patient's log, a patient under any reading scope their own. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of(OperationRule.onPatient("$access-log", "AuditEvent", null, false));
	}

	@Operation(name = "$access-log", idempotent = true, type = Patient.class)
	public Bundle accessLog(@IdParam IdType patientId, @OperationParam(name = "_count", max = 1) IntegerType count) {
		String patient = daos.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), new SystemRequestDetails())
				.getIdElement().getIdPart();
		int limit = count == null || count.getValue() == null ? DEFAULT_COUNT : Math.max(1, Math.min(MAX_COUNT, count.getValue()));
		List<? extends IBaseResource> events = store.search(new AuditEventStore.Criteria(patient, null, null, null, null, limit));
		Bundle log = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		log.setTotal(events.size());
		events.forEach(event -> log.addEntry().setResource((org.hl7.fhir.r4.model.Resource) event)
				.setFullUrl(event.getIdElement().toUnqualifiedVersionless().getValue()));
		return log;
	}
}
