package org.consentfhir.interceptors.policy;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Moves the {@link PolicyChangeCounter} when a resource that decides access is created, updated or
 * deleted: Consent, PractitionerRole (a practitioner's organizations), CareTeam, and the alert rules
 * (ObservationDefinition), which other nodes keep in memory the same way. Hooks the
 * {@code STORAGE_PRECOMMIT_RESOURCE_*} pointcuts, so the counter moves in the same transaction as the
 * change and never before it is visible. Registered with the storage interceptors, for every writer
 * (internal ones such as break-glass too), whether or not policy is enforced.
 */
@Interceptor
public class PolicyGenerationInterceptor implements StorageInterceptor {

	private static final Set<String> POLICY_TYPES = Set.of("Consent", "PractitionerRole", "CareTeam", "ObservationDefinition");

	private final PolicyChangeCounter generation;

	public PolicyGenerationInterceptor(PolicyChangeCounter generation) {
		this.generation = generation;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void storagePrecommitResourceCreated(IBaseResource resource) {
		bumpFor(resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void storagePrecommitResourceUpdated(IBaseResource oldResource, IBaseResource newResource) {
		bumpFor(newResource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void storagePrecommitResourceDeleted(IBaseResource resource) {
		bumpFor(resource);
	}

	private void bumpFor(IBaseResource resource) {
		if (POLICY_TYPES.contains(resource.fhirType())) {
			generation.bump();
		}
	}
}
