package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.hl7.fhir.r4.model.Bundle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Patient consent for what enters a record: creating, updating or deleting a resource in a
 * patient's record needs the same permit as reading it ({@link ConsentGate}), checked on the old
 * and the new content of an update; a denial is a 403 and nothing is stored (a transaction rolls
 * back whole). Registering a new Patient needs no consent, and neither do the records written for
 * that patient in the same request (a registration bundle). A Consent is written only by those
 * {@link ConsentAuthorship} allows (the patient, a representative, the registration desk with evidence).
 *
 * <p>Hooks {@code STORAGE_PRECOMMIT_RESOURCE_CREATED/UPDATED/DELETED}: only there are a
 * transaction's {@code urn:uuid} references resolved (HAPI calls them at the end of a transaction,
 * still inside it, so a refusal rolls everything back). {@code STORAGE_PRESTORAGE_RESOURCE_CREATED}
 * remembers the Patients the request registers; {@code SERVER_OUTGOING_RESPONSE} filters a
 * transaction's response.
 * Order {@link InterceptorOrder#CONSENT_WRITE}.
 */
@Interceptor(order = InterceptorOrder.CONSENT_WRITE)
public class ConsentWriteInterceptor implements PolicyInterceptor {

	private static final String REGISTERED_KEY = ConsentWriteInterceptor.class.getName() + ".registered";

	private final FhirContext fhir;
	private final PatientCompartment compartment;
	private final ConsentCallers callers;
	private final ConsentGate gate;
	private final ConsentAuthorship authorship;

	public ConsentWriteInterceptor(FhirContext fhir, ConsentCallers callers, ConsentGate gate, ConsentAuthorship authorship) {
		this.fhir = fhir;
		this.compartment = new PatientCompartment(fhir);
		this.callers = callers;
		this.gate = gate;
		this.authorship = authorship;
	}

	/** Remembers the Patients this request registers; each gets its id once stored. */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	@SuppressWarnings("unchecked")
	public void storagePrestorageResourceCreated(IBaseResource resource, RequestDetails request) {
		if (request != null && "Patient".equals(fhir.getResourceType(resource))) {
			((List<IBaseResource>) request.getUserData().computeIfAbsent(REGISTERED_KEY, k -> new ArrayList<IBaseResource>()))
					.add(resource);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void storagePrecommitResourceCreated(IBaseResource resource, RequestDetails request) {
		checkAuthorship(request, resource);
		if (!"Patient".equals(fhir.getResourceType(resource))) {
			check(request, resource, compartment.ownersOf(resource));
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void storagePrecommitResourceUpdated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		checkAuthorship(request, oldResource);
		checkAuthorship(request, newResource);
		Set<String> owners = new LinkedHashSet<>(compartment.ownersOf(oldResource));
		owners.addAll(compartment.ownersOf(newResource));
		check(request, newResource, new ArrayList<>(owners));
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void storagePrecommitResourceDeleted(IBaseResource resource, RequestDetails request) {
		checkAuthorship(request, resource);
		check(request, resource, compartment.ownersOf(resource));
	}

	/**
	 * A transaction's response, once everything is stored: the resources of its entries (with
	 * {@code Prefer: return=representation}) that the caller may not see are left out, as a
	 * conditional entry may have matched a record of another patient.
	 */
	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void serverOutgoingResponse(RequestDetails request, ResponseDetails response) {
		if (request.getRestOperationType() != RestOperationTypeEnum.TRANSACTION
				|| !(response.getResponseResource() instanceof Bundle bundle)) {
			return;
		}
		ConsentCaller caller = callers.of(request);
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			if (entry.getResource() != null && gate.denialFor(caller, entry.getResource(), request) != null) {
				entry.setResource(null);
			}
		}
	}

	/** A Consent is written only by those {@link ConsentAuthorship} allows; a refusal is a 403 and stores nothing. */
	private void checkAuthorship(RequestDetails request, IBaseResource resource) {
		if (request == null || !(resource instanceof org.hl7.fhir.r4.model.Consent consent)) {
			return;
		}
		String refusal = authorship.refusal(callers.of(request), consent);
		if (refusal != null) {
			throw new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException("This Consent may not be written by "
					+ callers.of(request).description() + ": " + refusal);
		}
	}

	@SuppressWarnings("unchecked")
	private void check(RequestDetails request, IBaseResource resource, List<String> owners) {
		if (request == null || owners.isEmpty()) {
			return;
		}
		ConsentCaller caller = callers.of(request);
		Set<String> registered = new HashSet<>();
		for (IBaseResource patient : (List<IBaseResource>) request.getUserData().getOrDefault(REGISTERED_KEY, List.of())) {
			if (patient.getIdElement() != null && patient.getIdElement().getIdPart() != null) {
				registered.add(patient.getIdElement().getIdPart());
			}
		}
		List<String> existing = owners.stream().filter(owner -> !registered.contains(owner)).toList();
		ConsentDecision denial = gate.denialFor(caller, fhir.getResourceType(resource), existing, resource, request);
		if (denial != null) {
			throw ConsentRefusal.ofWrite(caller, denial);
		}
	}
}
