package org.consentfhir.interceptors.inputguard;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.UrlUtil;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.r4.model.Bundle;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * Refuses, with 400 and an OperationOutcome, searches beyond {@link SearchLimits}: paging parameters
 * that are not whole numbers ({@code _offset=-5} reached the database and came back as a 500) and
 * searches with more parameter values than the server allows ({@code fhir.server.max-search-parameters}).
 *
 * <ul>
 *   <li>{@link Pointcut#SERVER_INCOMING_REQUEST_POST_PROCESSED}: the paging parameters of the URL or
 *       of a POSTed {@code _search} form, before HAPI binds them.</li>
 *   <li>{@link Pointcut#SERVER_INCOMING_REQUEST_PRE_HANDLED}: the paging parameters of each GET entry
 *       of a batch or transaction (its body is parsed by then).</li>
 *   <li>{@link Pointcut#STORAGE_PRESEARCH_REGISTERED}: the parsed search, whatever its way in (GET,
 *       POST {@code _search}, a GET entry of a batch or transaction), before it is run.</li>
 * </ul>
 *
 * Registered with the REST server only, so searches the server makes for itself are not limited.
 * Order: {@link InterceptorOrder#SEARCH_LIMITS}, with the other input guards, as it needs no identity.
 */
@Interceptor(order = InterceptorOrder.SEARCH_LIMITS)
public class SearchLimitInterceptor implements EndpointInterceptor {

	private final SearchLimits limits;

	public SearchLimitInterceptor(int maxSearchParameterValues) {
		this.limits = new SearchLimits(maxSearchParameterValues);
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void serverIncomingRequestPostProcessed(RequestDetails request) {
		SearchLimits.pagingProblem(request.getParameters()).ifPresent(SearchLimitInterceptor::refuse);
	}

	/** The GET entries of a batch or transaction carry paging parameters of their own; a bad one refuses the whole request. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void serverIncomingRequestPreHandled(RequestDetails request) {
		if (!(request.getResource() instanceof Bundle bundle)
				|| bundle.getType() != Bundle.BundleType.BATCH && bundle.getType() != Bundle.BundleType.TRANSACTION) {
			return;
		}
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			String url = entry.getRequest().getUrl();
			if (entry.getRequest().getMethod() == Bundle.HTTPVerb.GET && url != null && url.contains("?")) {
				SearchLimits.pagingProblem(UrlUtil.parseQueryString(url.substring(url.indexOf('?') + 1)))
						.ifPresent(problem -> refuse("entry GET " + url + ": " + problem));
			}
		}
	}

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void storagePresearchRegistered(SearchParameterMap search) {
		limits.sizeProblem(search).ifPresent(SearchLimitInterceptor::refuse);
	}

	private static void refuse(String problem) {
		throw new InvalidRequestException("Search refused: " + problem);
	}
}
