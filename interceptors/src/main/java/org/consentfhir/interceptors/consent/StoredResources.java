package org.consentfhir.interceptors.consent;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * The stored resources as the server sees them, for the checks that must look at a record before
 * HAPI acts on it: the target of an instance operation, the matches of a conditional request.
 * Implemented by the server over its storage; never filtered by the caller.
 */
public interface StoredResources {

	/** The current version of {@code Type/id}, or empty when there is none (never stored, or deleted). */
	Optional<IBaseResource> read(IIdType id);

	/**
	 * What a conditional URL matches, as HAPI's conditional create, update, patch and delete would
	 * find it: at most {@code limit} resources of {@code resourceType} for the search parameters of
	 * {@code query} ({@code identifier=a|b&…}, no type). Null when the query cannot be run here
	 * (HAPI then answers it with its own error).
	 */
	List<IBaseResource> matching(String resourceType, String query, int limit);
}
