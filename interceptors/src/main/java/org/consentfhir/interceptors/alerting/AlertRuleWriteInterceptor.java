package org.consentfhir.interceptors.alerting;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Set;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * The gate for the alert rules themselves (ObservationDefinition): only the rule-editor roles may
 * change them, and one that does not make sense as rules (an unknown severity, an age in an unknown
 * unit) is refused with 422 before it is stored; a change accepted makes the {@link AlertRuleSource}
 * read the book again once it commits.
 *
 * <p>Hooks {@code STORAGE_PRESTORAGE_RESOURCE_CREATED}, {@code _UPDATED} and {@code _DELETED} on the
 * storage interceptor service, so it applies to every write, whatever its source; the server's own
 * writes (the shipped definitions at start-up, no token) pass the role check.
 */
@Interceptor
public class AlertRuleWriteInterceptor implements StorageInterceptor {

	private final AlertRuleSource rules;
	private final Set<Role> editorRoles;

	public AlertRuleWriteInterceptor(AlertRuleSource rules, Set<Role> editorRoles) {
		this.rules = rules;
		this.editorRoles = Set.copyOf(editorRoles);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource, RequestDetails request) {
		if (resource instanceof ObservationDefinition definition) {
			checkEditor(request);
			checkMeaning(definition);
			rules.reloadAfterCommit();
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		storagePrestorageResourceCreated(newResource, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void storagePrestorageResourceDeleted(IBaseResource resource, RequestDetails request) {
		if (resource instanceof ObservationDefinition) {
			checkEditor(request);
			rules.reloadAfterCommit();
		}
	}

	private void checkEditor(RequestDetails request) {
		AccessToken token = request == null ? null : (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null) {
			return; // the server's own write (fhir-profiles/ at start-up)
		}
		if (token.role() == null || !editorRoles.contains(token.role())) {
			throw new ForbiddenOperationException("Alert rules (ObservationDefinition) are changed by the roles "
					+ editorRoles.stream().map(Role::id).sorted().toList() + " only");
		}
	}

	private static void checkMeaning(ObservationDefinition definition) {
		try {
			ObservationDefinition candidate = definition.copy();
			if (candidate.getIdElement().getIdPart() == null) {
				candidate.setId("new"); // a create: the id is assigned after this check
			}
			VitalSignDefinition.from(candidate);
		} catch (RuntimeException e) {
			throw new UnprocessableEntityException("The ObservationDefinition does not make sense as alert rules: " + e.getMessage());
		}
	}
}
