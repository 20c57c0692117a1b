package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/** The patients whose record a resource belongs to: the Patient itself, or its patient-compartment owners. */
public final class PatientCompartment {

	private static final String SHOWN_OWNERS = PatientCompartment.class.getName() + ".shownOwners";

	private final FhirContext fhir;
	private final FhirTerser terser;
	/** Types no search parameter puts in the Patient compartment, found once from the resource definitions. */
	private final Set<String> neverInARecord;

	public PatientCompartment(FhirContext fhir) {
		this.fhir = fhir;
		this.terser = fhir.newTerser();
		this.neverInARecord = fhir.getResourceTypes().stream()
				.filter(type -> !"Patient".equals(type))
				.filter(type -> fhir.getResourceDefinition(type).getSearchParamsForCompartmentName("Patient").isEmpty())
				.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Whether a resource of this type is never in any patient's record: not a Patient, and no search
	 * parameter puts it in the Patient compartment (Practitioner, Organization, Location, ValueSet).
	 */
	public boolean neverInARecord(String type) {
		return neverInARecord.contains(type);
	}

	/** Patient ids (no type prefix); empty for a resource that is nobody's record (a Practitioner, a ValueSet). */
	public List<String> ownersOf(IBaseResource resource) {
		String type = fhir.getResourceType(resource);
		if ("Patient".equals(type)) {
			IIdType id = resource.getIdElement();
			return id == null || id.getIdPart() == null ? List.of() : List.of(id.getIdPart());
		}
		if (neverInARecord.contains(type)) {
			return List.of();
		}
		return terser.getCompartmentOwnersForResource("Patient", resource, (Set<String>) null).stream()
				.filter(owner -> owner.getResourceType() == null || "Patient".equals(owner.getResourceType()))
				.map(IIdType::getIdPart)
				.filter(id -> id != null && !id.isBlank())
				.distinct()
				.toList();
	}

	/**
	 * {@link #ownersOf} of a resource the request loaded to show the caller (read, search, page,
	 * operation), found once per request: consent's show-time check and the audit of what was shown
	 * both ask for every such resource, and nothing changes it between the two. Never for a resource
	 * being written, which the server may still change (placeholders, conditional references).
	 */
	public List<String> ownersOfShown(IBaseResource resource, RequestDetails request) {
		if (request == null) {
			return ownersOf(resource);
		}
		@SuppressWarnings("unchecked")
		Map<IBaseResource, List<String>> known = (Map<IBaseResource, List<String>>)
				request.getUserData().computeIfAbsent(SHOWN_OWNERS, key -> new IdentityHashMap<IBaseResource, List<String>>());
		return known.computeIfAbsent(resource, this::ownersOf);
	}
}
