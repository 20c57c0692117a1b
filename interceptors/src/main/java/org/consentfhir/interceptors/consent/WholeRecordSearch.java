package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.consentfhir.interceptors.search.OnePatientSearch;

/**
 * A search confined to one patient's records of one type ({@code Observation?patient=1&code=…},
 * {@code Condition?subject=Patient/1}) that this patient lets the caller have whatever the record's
 * date: its consent is then decided once for the whole search, not match by match before the search is
 * stored. HAPI then runs it as for a trusted client (synchronously, {@link
 * org.consentfhir.interceptors.search.OnePatientSearchInterceptor}); each record shown is still checked
 * ({@code willSeeResource}), which keeps out a match that is also in another patient's record whom the
 * caller may not see.
 *
 * <p>Not decided up front: a search that is not {@link OnePatientSearch one patient's} (with
 * {@code _include}, {@code _revinclude} or {@code _contained}, or naming its patient more than once or
 * in more than one parameter), one with {@code _has} or chains (their records are other patients' or
 * other types'), a Patient search (its narrowing is
 * {@link PermittedPatientsNarrowingInterceptor}'s), a break-glass request (every record it opens is
 * noted for the audit trail), and a patient whose Consents look at record dates.
 */
public final class WholeRecordSearch {

	private static final String DECIDED_KEY = WholeRecordSearch.class.getName() + ".permitted";

	private final OnePatientSearch onePatient;
	private final ConsentCallers callers;
	private final ConsentGate gate;
	private final LinkedCriteria linked;

	public WholeRecordSearch(FhirContext fhir, ConsentCallers callers, ConsentGate gate, LinkedCriteria linked) {
		this.onePatient = new OnePatientSearch(fhir);
		this.callers = callers;
		this.gate = gate;
		this.linked = linked;
	}

	/** Whether every match of this request's search is permitted by the one patient it is confined to; decided once per request. */
	public boolean permittedUpFront(RequestDetails request) {
		return (Boolean) request.getUserData().computeIfAbsent(DECIDED_KEY, k -> decide(request));
	}

	private boolean decide(RequestDetails request) {
		if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
			return false;
		}
		String type = request.getResourceName();
		ConsentCaller caller = callers.of(request);
		if (type == null || "Patient".equals(type) || caller == null || !gate.mayHide(caller, type)
				|| !linked.of(request).isEmpty()) {
			return false;
		}
		String patient = onePatient.patientOf(type, request.getParameters());
		return patient != null && gate.permitsEveryRecord(caller, patient, type);
	}
}
