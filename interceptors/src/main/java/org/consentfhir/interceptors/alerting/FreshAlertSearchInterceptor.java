package org.consentfhir.interceptors.alerting;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * Searches of alerts ({@code Flag}, {@code DetectedIssue}) are always answered from the database,
 * never from HAPI's cache of recent identical searches (which may be up to a minute old): an app
 * notified of a new alert searches at once and must find it. Done by giving such a search
 * {@code Cache-Control: no-cache}, as a client could.
 *
 * <p>Hooks {@code SERVER_INCOMING_REQUEST_POST_PROCESSED}; default order.
 */
@Interceptor
public class FreshAlertSearchInterceptor implements EndpointInterceptor {

	private static final Set<String> ALERT_TYPES = Set.of("Flag", "DetectedIssue");

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public boolean serverIncomingRequestPostProcessed(RequestDetails request) {
		if (request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE
				&& ALERT_TYPES.contains(request.getResourceName())
				&& request.getHeader(Constants.HEADER_CACHE_CONTROL) == null) {
			request.addHeader(Constants.HEADER_CACHE_CONTROL, Constants.CACHE_CONTROL_NO_CACHE);
		}
		return true;
	}
}
