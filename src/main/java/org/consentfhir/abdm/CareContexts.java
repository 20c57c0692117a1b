package org.consentfhir.abdm;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;

/**
 * ABDM's care contexts on this server: a care context is one of the patient's Encounters (an
 * outpatient visit or an admission), named by the encounter's identifier (the visit or admission
 * number the site's connector linked) or, failing that, by its id. A record belongs to a care
 * context when its {@code encounter} ({@code context.encounter} for a DocumentReference) is it.
 */
final class CareContexts {

	private CareContexts() {}

	/** The patient's encounter the care context names, read with {@code request}; null when there is none. */
	static Encounter find(DaoRegistry daos, String patientId, String careContextReference, RequestDetails request) {
		var encounters = daos.getResourceDao(Encounter.class);
		SearchParameterMap byIdentifier = SearchParameterMap.newSynchronous("identifier", new TokenParam(null, careContextReference))
				.add("subject", new ReferenceParam("Patient/" + patientId));
		byIdentifier.setLoadSynchronousUpTo(2);
		List<IBaseResource> named = encounters.search(byIdentifier, request).getResources(0, 2);
		if (named.size() == 1) {
			return (Encounter) named.get(0);
		}
		String id = careContextReference.startsWith("Encounter/") ? careContextReference.substring("Encounter/".length()) : careContextReference;
		if (!named.isEmpty() || !id.matches("[A-Za-z0-9\\-.]{1,64}")) {
			return null;
		}
		try {
			Encounter encounter = encounters.read(new IdType("Encounter", id), request);
			return ("Patient/" + patientId).equals(encounter.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue()) ? encounter : null;
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return null;
		}
	}

	/** Whether the record was made in the encounter. */
	static boolean recordedIn(FhirContext fhir, IBaseResource record, Encounter encounter) {
		String path = fhir.getResourceDefinition(record).getChildByName("encounter") != null ? "encounter" : "context.encounter";
		String target = encounter.getIdElement().toUnqualifiedVersionless().getValue();
		return fhir.newTerser().getValues(record, path, Reference.class).stream()
				.anyMatch(r -> target.equals(r.getReferenceElement().toUnqualifiedVersionless().getValue()));
	}
}
