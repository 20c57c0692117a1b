package org.consentfhir.interceptors.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.valueset.BundleTypeEnum;
import ca.uhn.fhir.rest.api.BundleLinks;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.IPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import java.util.function.Predicate;
import org.consentfhir.interceptors.EndpointInterceptor;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A search confined to one patient's records ({@link OnePatientSearch}) is run synchronously, as
 * offset pages: HAPI answers it with one query of one page ({@code LIMIT _count}) in the request's own
 * thread, where a search it stores costs a row in {@code HFJ_SEARCH}, one per match in
 * {@code HFJ_SEARCH_RESULT}, a hand-over to a search thread and polls of the stored search until its
 * first page is in, and leaves the search tables to grow with every such request. The next page's link
 * is an {@code _offset} link ({@code …&_offset=20&_count=20}), present while a page is full.
 *
 * <p>Only a search whose stored results would serve any caller alike is run so: not one whose matches
 * are filtered for this caller before they are stored ({@code filteredForCaller}: consent's
 * record-by-record decisions, whose pages must be full and whose number of pages must say nothing of
 * hidden records), not one with includes, a total, a summary or {@code _count=0}, and not a GET entry
 * of a batch or transaction. When a record of a full page is withheld as it is shown (a record also in the record of
 * a patient who does not permit the caller), HAPI takes the short page for the last one; the page's
 * {@code next} link is then put back, so nothing after it is lost.
 *
 * <p>Hooks {@code STORAGE_PRESEARCH_REGISTERED} (after the input guards have checked the paging
 * parameters), {@code STORAGE_PRESHOW_RESOURCES} before anything withholds a record, and
 * {@code SERVER_OUTGOING_RESPONSE}.
 */
@Interceptor(order = InterceptorOrder.ONE_PATIENT_SEARCH)
public class OnePatientSearchInterceptor implements EndpointInterceptor {

	private static final String PAGE_SIZE_KEY = OnePatientSearchInterceptor.class.getName() + ".pageSize";
	private static final String LOADED_KEY = OnePatientSearchInterceptor.class.getName() + ".loaded";

	private final OnePatientSearch onePatient;
	private final Predicate<RequestDetails> filteredForCaller;

	/**
	 * @param filteredForCaller whether a request's matches are filtered for its caller before HAPI stores them
	 */
	public OnePatientSearchInterceptor(OnePatientSearch onePatient, Predicate<RequestDetails> filteredForCaller) {
		this.onePatient = onePatient;
		this.filteredForCaller = filteredForCaller;
	}

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void storagePresearchRegistered(RequestDetails request, SearchParameterMap search) {
		if (request == null || request.isSubRequest() || request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE
				|| search.getOffset() != null || search.isLoadSynchronous() || search.getLoadSynchronousUpTo() != null
				|| search.hasIncludes() || search.hasRevIncludes() || search.getEverythingMode() != null
				|| search.getSearchTotalMode() != null || search.getSummaryMode() != null
				|| search.getCount() != null && search.getCount() < 1
				|| onePatient.patientOf(request.getResourceName(), request.getParameters()) == null
				|| filteredForCaller.test(request)) {
			return;
		}
		IPagingProvider paging = request.getServer().getPagingProvider();
		int pageSize = search.getCount() == null ? paging.getDefaultPageSize() : Math.min(search.getCount(), paging.getMaximumPageSize());
		search.setOffset(0);
		search.setCount(pageSize);
		request.getUserData().put(PAGE_SIZE_KEY, pageSize);
	}

	/** How many records the page had before anything was withheld. */
	@Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = InterceptorOrder.ONE_PATIENT_SEARCH_PAGE)
	public void storagePreshowResources(IPreResourceShowDetails details, RequestDetails request) {
		if (request != null && request.getUserData().containsKey(PAGE_SIZE_KEY)) {
			request.getUserData().put(LOADED_KEY, details.size()); // a synchronous page is shown once
		}
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void serverOutgoingResponse(RequestDetails request, ResponseDetails response) {
		Integer pageSize = (Integer) request.getUserData().get(PAGE_SIZE_KEY);
		Integer loaded = (Integer) request.getUserData().get(LOADED_KEY);
		if (pageSize == null || loaded == null || loaded < pageSize
				|| !(response.getResponseResource() instanceof Bundle page) || page.getLink(Bundle.LINK_NEXT) != null) {
			return;
		}
		BundleLinks links = new BundleLinks(request.getFhirServerBase(), null,
				RestfulServerUtils.prettyPrintResponse(request.getServer(), request), BundleTypeEnum.SEARCHSET);
		page.addLink().setRelation(Bundle.LINK_NEXT).setUrl(RestfulServerUtils.createOffsetPagingLink(
				links, request.getRequestPath(), request.getTenantId(), pageSize, pageSize, request.getParameters()));
	}
}
