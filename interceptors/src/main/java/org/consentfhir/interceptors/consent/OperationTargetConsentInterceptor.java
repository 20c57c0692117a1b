package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Set;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * The operations on one stored resource that HAPI's consent interceptor lets by, checked as a read
 * of that resource: {@code $meta} (HAPI's consent interceptor skips it altogether, so its versionId
 * and lastUpdated confirmed any record), {@code $meta-add}, {@code $meta-delete} and
 * {@code $validate} of a stored instance. A target the caller may not read is refused with 403, as
 * its read is. At type or server level {@code $meta} lists the tags of every record, so it is for
 * clients the site trusts with every record only.
 *
 * <p>Hooks {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}; order
 * {@link InterceptorOrder#OPERATION_TARGET_CONSENT}, after the scope rules.
 */
@Interceptor(order = InterceptorOrder.OPERATION_TARGET_CONSENT)
public class OperationTargetConsentInterceptor implements PolicyInterceptor {

	static final Set<String> INSTANCE_OPERATIONS = Set.of("$meta", "$meta-add", "$meta-delete", "$validate");

	private final StoredResources stored;
	private final CallerVisibility visibility;

	public OperationTargetConsentInterceptor(StoredResources stored, CallerVisibility visibility) {
		this.stored = stored;
		this.visibility = visibility;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void serverIncomingRequestPreHandled(RequestDetails request) {
		String operation = request.getOperation();
		if (operation == null || !INSTANCE_OPERATIONS.contains(operation) || visibility.seesEverything(request)) {
			return;
		}
		boolean onInstance = request.getId() != null && request.getId().hasIdPart() && request.getResourceName() != null;
		if ("$meta".equals(operation) && !onInstance) {
			throw new ForbiddenOperationException("$meta of a type or of the server lists the tags of every record: "
					+ "it is for clients trusted with every record; ask for one record's $meta instead");
		}
		if (!onInstance) {
			return;
		}
		stored.read(request.getId().withResourceType(request.getResourceName()).toVersionless())
				.filter(target -> !visibility.canSee(request, target))
				.ifPresent(target -> {
					throw new ForbiddenOperationException("Access denied: the caller may not read "
							+ request.getResourceName() + "/" + request.getId().getIdPart() + ", so not its " + operation + " either");
				});
	}
}
