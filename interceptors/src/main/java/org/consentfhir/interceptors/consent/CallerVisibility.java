package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.SmartScope;
import org.consentfhir.interceptors.auth.SmartScope.Permission;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Whether the caller of a request may read one stored resource: a scope of the token reads its
 * type, and patient consent ({@link ConsentGate}) lets the caller have it. The one question behind
 * every path that could reveal a record other than a read: a conditional request's matches, an
 * instance operation's target.
 */
public final class CallerVisibility {

	private final FhirContext fhir;
	private final ConsentCallers callers;
	private final ConsentGate gate;
	private final PatientCompartment compartment;

	public CallerVisibility(FhirContext fhir, ConsentCallers callers, ConsentGate gate) {
		this.fhir = fhir;
		this.callers = callers;
		this.gate = gate;
		this.compartment = new PatientCompartment(fhir);
	}

	/** True when no check applies to this request's caller at all (a client the site trusts with every record). */
	public boolean seesEverything(RequestDetails request) {
		ConsentCaller caller = callers.of(request);
		return caller != null && caller.trusted();
	}

	/**
	 * Whether the caller may read every resource of a type that is never in a patient's record
	 * ({@link PatientCompartment#neverInARecord}): for those, a scope that reads the type is the whole
	 * decision (no Consent governs them), so no single one needs to be looked at.
	 */
	public boolean readsEveryOne(RequestDetails request, String type) {
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		return token != null && compartment.neverInARecord(type)
				&& token.scopes().stream().anyMatch(s -> s.coversType(type) && s.allows(Permission.READ));
	}

	/** Whether this type is never in a patient's record, so that {@link #readsEveryOne} decides for all of it. */
	public boolean decidedByScopeAlone(String type) {
		return compartment.neverInARecord(type);
	}

	public boolean canSee(RequestDetails request, IBaseResource resource) {
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null) {
			return false;
		}
		String type = fhir.getResourceType(resource);
		java.util.List<String> owners = compartment.ownersOf(resource);
		boolean scoped = token.scopes().stream().anyMatch(s -> s.coversType(type) && s.allows(Permission.READ)
				// a patient scope reaches its own patient's records and records of no patient (the shared directory)
				&& (s.context() != SmartScope.Context.PATIENT || owners.isEmpty() || owners.contains(token.patient())));
		return scoped && gate.denialFor(callers.of(request), resource, request) == null;
	}
}
