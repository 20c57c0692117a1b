package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Map;
import java.util.Set;
import org.consentfhir.interceptors.FhirIds;

/**
 * A search confined to one patient's records of one type ({@code Observation?patient=1&code=…},
 * {@code Condition?subject=Patient/1}) that this patient lets the caller have whatever the record's
 * date: its consent is then decided once for the whole search, not match by match before the search is
 * stored. HAPI then runs and stores it as for a trusted client (and may answer it from a search of the
 * same criteria stored in the last minute); each record shown is still checked
 * ({@code willSeeResource}), which keeps out a match that is also in another patient's record whom the
 * caller may not see.
 *
 * <p>Not decided up front: a search with {@code _include}, {@code _revinclude}, {@code _has},
 * {@code _contained} or chains (their records are other patients' or other types'), one that names
 * its patient more than once or in more than one parameter, a Patient search (its narrowing is
 * {@link PermittedPatientsNarrowingInterceptor}'s), a break-glass request (every record it opens is
 * noted for the audit trail), and a patient whose Consents look at record dates.
 */
public final class WholeRecordSearch {

	private static final String DECIDED_KEY = WholeRecordSearch.class.getName() + ".permitted";
	/** Parameters that bring in other records (chains and {@code _has} are {@link LinkedCriteria}'s), modifiers aside. */
	private static final Set<String> OTHER_RECORDS = Set.of("_include", "_revinclude", "_contained");

	private final FhirContext fhir;
	private final ConsentCallers callers;
	private final ConsentGate gate;
	private final LinkedCriteria linked;

	public WholeRecordSearch(FhirContext fhir, ConsentCallers callers, ConsentGate gate, LinkedCriteria linked) {
		this.fhir = fhir;
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
		String patient = theOnePatient(type, request.getParameters());
		return patient != null && gate.permitsEveryRecord(caller, patient, type);
	}

	/** The id of the patient whose compartment the search is confined to, or null. */
	private String theOnePatient(String type, Map<String, String[]> parameters) {
		if (parameters == null) {
			return null;
		}
		String patient = null;
		for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
			String name = parameter.getKey();
			String bare = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
			if (OTHER_RECORDS.contains(bare)) {
				return null;
			}
			RuntimeSearchParam compartmentParameter = compartmentParameter(type, bare);
			if (compartmentParameter == null) {
				continue;
			}
			String[] values = parameter.getValue();
			if (patient != null || !name.equals(bare) || values == null || values.length != 1) {
				return null;
			}
			patient = patientId(values[0], compartmentParameter.getTargets());
			if (patient == null) {
				return null;
			}
		}
		return patient;
	}

	private RuntimeSearchParam compartmentParameter(String type, String name) {
		for (RuntimeSearchParam parameter : fhir.getResourceDefinition(type).getSearchParamsForCompartmentName("Patient")) {
			if (parameter.getName().equals(name)) {
				return parameter;
			}
		}
		return null;
	}

	/** {@code Patient/1}, or {@code 1} where the parameter refers to patients only; one value, nothing else. */
	private static String patientId(String value, Set<String> targets) {
		String id = value.startsWith("Patient/") ? value.substring("Patient/".length())
				: Set.of("Patient").equals(targets) ? value : null;
		return FhirIds.isId(id) ? id : null;
	}
}
