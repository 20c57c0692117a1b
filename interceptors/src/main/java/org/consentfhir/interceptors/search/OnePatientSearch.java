package org.consentfhir.interceptors.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.Map;
import java.util.Set;
import org.consentfhir.interceptors.FhirIds;

/**
 * Whether a search is confined to one patient's records of one type ({@code Observation?patient=1&code=…},
 * {@code Condition?subject=Patient/1}): exactly one parameter of the type's patient compartment, with one
 * value, and none that brings in other records ({@code _include}, {@code _revinclude}, {@code _contained}).
 * A value that names no patient for sure ({@code subject=1}, where subject may be a Group too), a modifier,
 * or a second patient parameter makes it no such search.
 */
public final class OnePatientSearch {

	/** Parameters that bring in other records (chains and {@code _has} are for the caller to look at), modifiers aside. */
	private static final Set<String> OTHER_RECORDS = Set.of("_include", "_revinclude", "_contained");

	private final FhirContext fhir;

	public OnePatientSearch(FhirContext fhir) {
		this.fhir = fhir;
	}

	/** The id of the patient whose compartment a search of {@code type} with these parameters is confined to, or null. */
	public String patientOf(String type, Map<String, String[]> parameters) {
		if (type == null || parameters == null) {
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
