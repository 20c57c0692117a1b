package org.consentfhir.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.Optional;
import org.consentfhir.interceptors.consent.StoredResources;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/** {@link StoredResources} over HAPI's DAOs, read as the server (no caller's view). */
final class DaoStoredResources implements StoredResources {

	private final FhirContext fhir;
	private final DaoRegistry daos;
	private final MatchUrlService matchUrls;

	DaoStoredResources(FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls) {
		this.fhir = fhir;
		this.daos = daos;
		this.matchUrls = matchUrls;
	}

	@Override
	public Optional<IBaseResource> read(IIdType id) {
		if (id.getResourceType() == null || !daos.isResourceTypeSupported(id.getResourceType())) {
			return Optional.empty();
		}
		try {
			return Optional.of(daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails()));
		} catch (BaseServerResponseException notThere) { // not found, gone, or not an id at all
			return Optional.empty();
		}
	}

	@Override
	public List<IBaseResource> matching(String resourceType, String query, int limit) {
		if (!daos.isResourceTypeSupported(resourceType)) {
			return null;
		}
		try {
			SearchParameterMap search = matchUrls.translateMatchUrl(resourceType + "?" + query, fhir.getResourceDefinition(resourceType));
			search.setLoadSynchronousUpTo(limit);
			return daos.getResourceDao(resourceType).search(search, new SystemRequestDetails()).getResources(0, limit);
		} catch (BaseServerResponseException | IllegalArgumentException unusable) { // HAPI answers the request's own error
			return null;
		}
	}
}
