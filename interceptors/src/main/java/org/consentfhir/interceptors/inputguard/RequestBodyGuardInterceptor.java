package org.consentfhir.interceptors.inputguard;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Optional;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * Refuses request bodies that are unsafe to parse, with 400 and an OperationOutcome: XML carrying a
 * DOCTYPE (entity expansion, external entities) and JSON or XML nested deeper than a limit.
 *
 * <p>Hooks {@link Pointcut#SERVER_INCOMING_REQUEST_POST_PROCESSED}, which runs after HAPI has
 * recognised the request and before any resource is parsed. Order:
 * {@link InterceptorOrder#REQUEST_BODY_GUARD}, ahead of every policy interceptor, since the check
 * needs no identity. The body size limit is applied earlier, at the servlet level.
 */
@Interceptor(order = InterceptorOrder.REQUEST_BODY_GUARD)
public class RequestBodyGuardInterceptor implements EndpointInterceptor {

	private final int maxDepth;

	public RequestBodyGuardInterceptor(int maxDepth) {
		this.maxDepth = maxDepth;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void serverIncomingRequestPostProcessed(RequestDetails request) {
		String contentType = request.getHeader(Constants.HEADER_CONTENT_TYPE);
		if (contentType == null) {
			return;
		}
		byte[] body = request.loadRequestContents();
		if (body == null || body.length == 0) {
			return;
		}
		Optional<String> problem = contentType.toLowerCase().contains("xml")
				? RequestBodyShape.problemInXml(body, maxDepth)
				: RequestBodyShape.problemInJson(body, maxDepth);
		problem.ifPresent(p -> {
			throw new InvalidRequestException("Request body refused: " + p);
		});
	}
}
