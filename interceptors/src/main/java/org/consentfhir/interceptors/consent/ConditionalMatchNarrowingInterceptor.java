package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.jpa.dao.PreVerifyConditionalMatchCriteriaRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Conditional requests see only what the caller may read. HAPI resolves the criteria of a
 * conditional create ({@code If-None-Exist}), update, patch or delete ({@code Type?criteria}) as the
 * server, and then answers with the matched record (200 and its body for a create), acts on it, or
 * names it in an error: a caller could read any record by {@code If-None-Exist: _id=…} or confirm
 * one by a conditional delete. Here the criteria are run first, each match goes through
 * {@link CallerVisibility}, and when any match is hidden the criteria are rewritten to the visible
 * matches ({@code _id=a,b}), or to criteria that match nothing: a hidden record and no record look
 * the same (a create then creates, an update creates, a delete deletes nothing, and what is created
 * is checked against the caller's own criteria, as ever). The rewriting is
 * HAPI's own way, as its {@code SearchNarrowingInterceptor} narrows conditional URLs.
 *
 * <p>Hooks {@code SERVER_INCOMING_REQUEST_POST_PROCESSED} for a single request (HAPI binds the
 * criteria to its method before the pre-handled pointcut, so they are narrowed here, once the
 * token is verified) and {@code SERVER_INCOMING_REQUEST_PRE_HANDLED} for the entries of a
 * transaction or batch (its body is parsed by then), and
 * {@code STORAGE_PREVERIFY_CONDITIONAL_MATCH_CRITERIA}; order
 * {@link InterceptorOrder#CONDITIONAL_MATCH_NARROWING}, after authentication. A client the site
 * trusts with every record is left alone.
 */
@Interceptor(order = InterceptorOrder.CONDITIONAL_MATCH_NARROWING)
public class ConditionalMatchNarrowingInterceptor implements PolicyInterceptor {

	/**
	 * Matches looked at per condition. More than one visible match is an error of its own for a
	 * create (412); when this many match, the criteria are narrowed to the visible ones among them
	 * (a conditional delete of more removes them in rounds), as hidden ones may lie beyond.
	 */
	static final int MATCHES_LOOKED_AT = 100;

	/** Criteria no stored record meets: nothing was last updated before the year 1001. */
	static final String MATCHES_NOTHING = Constants.PARAM_LASTUPDATED + "=lt1001-01-01";

	private static final String ORIGINALS_KEY = ConditionalMatchNarrowingInterceptor.class.getName() + ".originals";

	private final StoredResources stored;
	private final CallerVisibility visibility;

	public ConditionalMatchNarrowingInterceptor(StoredResources stored, CallerVisibility visibility) {
		this.stored = stored;
		this.visibility = visibility;
	}

	/** A single conditional request: HAPI binds its criteria to the method before the pre-handled pointcut. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void serverIncomingRequestPostProcessed(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		if (operation == null || request.getUserData().get(AccessToken.USER_DATA_KEY) == null || visibility.seesEverything(request)) {
			return;
		}
		switch (operation) {
			case CREATE -> narrowIfNoneExist(request);
			case UPDATE, PATCH, DELETE -> narrowUrl(request, operation);
			default -> {}
		}
	}

	/** The entries of a transaction or batch, whose body is parsed by now. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void serverIncomingRequestPreHandled(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		if ((operation == RestOperationTypeEnum.TRANSACTION || operation == RestOperationTypeEnum.BATCH)
				&& request.getResource() instanceof Bundle bundle && !visibility.seesEverything(request)) {
			bundle.getEntry().forEach(entry -> narrowEntry(request, entry));
		}
	}

	private void narrowIfNoneExist(RequestDetails request) {
		String criteria = request.getConditionalUrl(RestOperationTypeEnum.CREATE);
		if (criteria == null) {
			return;
		}
		Narrowed narrowed = narrow(request, request.getResourceName(), criteria);
		if (narrowed != null) {
			request.setHeaders(Constants.HEADER_IF_NONE_EXIST, List.of(narrowed.query()));
		}
	}

	private void narrowUrl(RequestDetails request, RestOperationTypeEnum operation) {
		String conditional = request.getConditionalUrl(operation);
		if (conditional == null) {
			return;
		}
		Narrowed narrowed = narrow(request, request.getResourceName(), conditional);
		if (narrowed != null) {
			String complete = request.getCompleteUrl();
			request.setCompleteUrl(complete.substring(0, complete.indexOf('?') + 1) + narrowed.query());
		}
	}

	private void narrowEntry(RequestDetails request, Bundle.BundleEntryComponent entry) {
		Bundle.BundleEntryRequestComponent call = entry.getRequest();
		if (call.getMethod() == Bundle.HTTPVerb.POST && call.hasIfNoneExist() && entry.getResource() != null) {
			Narrowed narrowed = narrow(request, entry.getResource().fhirType(), call.getIfNoneExist());
			if (narrowed != null) {
				call.setIfNoneExist(narrowed.query());
			}
		} else if ((call.getMethod() == Bundle.HTTPVerb.PUT || call.getMethod() == Bundle.HTTPVerb.DELETE
				|| call.getMethod() == Bundle.HTTPVerb.PATCH) && call.hasUrl() && call.getUrl().contains("?")) {
			String url = call.getUrl();
			String type = url.substring(0, url.indexOf('?'));
			Narrowed narrowed = narrow(request, type, url);
			if (narrowed != null) {
				call.setUrl(type + "?" + narrowed.query());
			}
		}
	}

	/** The criteria as the caller may see their matches, or null when nothing hidden matches. */
	private Narrowed narrow(RequestDetails request, String type, String criteria) {
		String query = criteria.contains("?") ? criteria.substring(criteria.indexOf('?') + 1) : criteria;
		if (type == null || type.isBlank() || query.isBlank()) {
			return null;
		}
		List<IBaseResource> matches = stored.matching(type, query, MATCHES_LOOKED_AT);
		if (matches == null || matches.isEmpty()) {
			return null;
		}
		List<String> visible = new ArrayList<>();
		for (IBaseResource match : matches) {
			if (visibility.canSee(request, match)) {
				visible.add(match.getIdElement().getIdPart());
			}
		}
		// beyond the matches looked at there may be hidden ones: then the criteria stop at those looked at
		if (visible.size() == matches.size() && matches.size() < MATCHES_LOOKED_AT) {
			return null;
		}
		Narrowed narrowed = new Narrowed(visible.isEmpty()
				? query + "&" + MATCHES_NOTHING
				: Constants.PARAM_ID + "=" + String.join(",", visible));
		originals(request).put(narrowed.query(), query);
		return narrowed;
	}

	/**
	 * HAPI checks that what a conditional create or update stores meets the criteria it was sent
	 * with (400 otherwise); the check is made against the caller's own criteria, not the narrowed
	 * ones, so a record created because a hidden one matched is judged as if nothing had matched.
	 */
	@Hook(Pointcut.STORAGE_PREVERIFY_CONDITIONAL_MATCH_CRITERIA)
	public void storagePreverifyConditionalMatchCriteria(RequestDetails request, PreVerifyConditionalMatchCriteriaRequest criteria) {
		if (request == null || criteria.getConditionalUrl() == null) {
			return;
		}
		String url = criteria.getConditionalUrl();
		originals(request).forEach((narrowed, original) -> {
			if (url.endsWith(narrowed)) {
				criteria.setConditionalUrl(url.substring(0, url.length() - narrowed.length()) + original);
			}
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> originals(RequestDetails request) {
		return (Map<String, String>) request.getUserData().computeIfAbsent(ORIGINALS_KEY, k -> new HashMap<String, String>());
	}

	private record Narrowed(String query) {}
}
