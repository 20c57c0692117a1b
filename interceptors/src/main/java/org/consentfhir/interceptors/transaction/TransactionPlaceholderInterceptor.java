package org.consentfhir.interceptors.transaction;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * Notes a transaction's new-patient placeholders ({@link TransactionPlaceholders}) when the request
 * arrives, for the storage hooks that need them later. Hooks {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}.
 */
@Interceptor
public class TransactionPlaceholderInterceptor implements EndpointInterceptor {

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void serverIncomingRequestPreHandled(RequestDetails request) {
		TransactionPlaceholders.remember(request);
	}
}
