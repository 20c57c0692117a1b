package org.consentfhir.interceptors.http;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * Answers a stale {@code If-Match} on an update or patch with 412 Precondition Failed, as the FHIR
 * specification's concurrency rules require (http.html#concurrency); HAPI's JPA server reports the
 * same version conflict as 409. Other conflicts keep HAPI's 409.
 *
 * <p>Hooks {@link Pointcut#SERVER_PRE_PROCESS_OUTGOING_EXCEPTION}, returning the replacement
 * exception. Order: {@link InterceptorOrder#HTTP_CONFORMANCE}.
 */
@Interceptor(order = InterceptorOrder.HTTP_CONFORMANCE)
public class IfMatchPreconditionInterceptor implements EndpointInterceptor {

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException serverPreProcessOutgoingException(
			RequestDetails request, Throwable exception) {
		boolean versionedWrite = request.getRequestType() == RequestTypeEnum.PUT
				|| request.getRequestType() == RequestTypeEnum.PATCH;
		if (exception instanceof ResourceVersionConflictException conflict
				&& versionedWrite
				&& request.getHeader(Constants.HEADER_IF_MATCH) != null) {
			return new PreconditionFailedException(conflict.getMessage(), conflict.getOperationOutcome());
		}
		return null;
	}
}
