package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.jpa.dao.BaseStorageDao;
import ca.uhn.fhir.jpa.dao.PreVerifyConditionalMatchCriteriaRequest;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

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
 * <p>A reference written as a search ({@code "subject": {"reference": "Patient?identifier=…"}}) is
 * a conditional match too: HAPI resolves it as the server, so a hidden match would be refused by
 * consent with its id where no match gets HAPI's "no resources match". Before storage the search
 * is run here: a single visible match becomes the reference ({@code Patient/7}), and no visible
 * match, or several, gets HAPI's own error naming the search as written. A search that matched
 * nothing here (or could not be run here) and that HAPI still resolves (a record written earlier in the same transaction, a
 * cached match) is checked once resolved, before consent judges the write: a hidden target is
 * answered as no match. A search for a type that is nobody's record (a Practitioner, an
 * Organization) is decided by the caller's scopes alone, without running it, and each search is
 * decided once per request (a Synthea bundle names its practitioners by search hundreds of times).
 *
 * <p>HAPI quotes the criteria it ran in its answers (a conditional create whose body does not meet
 * them, a conditional delete that deleted nothing); every such text quotes the caller's own
 * criteria, not the narrowed ones, so not even an error's wording tells that a hidden record matched.
 *
 * <p>Hooks {@code SERVER_INCOMING_REQUEST_POST_PROCESSED} for a single request (HAPI binds the
 * criteria to its method before the pre-handled pointcut, so they are narrowed here, once the
 * token is verified) and {@code SERVER_INCOMING_REQUEST_PRE_HANDLED} for the entries of a
 * transaction or batch (its body is parsed by then), and
 * {@code STORAGE_PREVERIFY_CONDITIONAL_MATCH_CRITERIA}, and {@code STORAGE_PRESTORAGE_RESOURCE_CREATED/UPDATED}
 * and, before consent's write check, {@code STORAGE_PRECOMMIT_RESOURCE_CREATED/UPDATED} for
 * references written as searches, {@code SERVER_PRE_PROCESS_OUTGOING_EXCEPTION} and
 * {@code SERVER_OUTGOING_RESPONSE} for the texts that quote criteria; order
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

	private static final String RESOLUTIONS_KEY = ConditionalMatchNarrowingInterceptor.class.getName() + ".searchReferenceResolutions";

	private static final String LEFT_TO_HAPI_KEY = ConditionalMatchNarrowingInterceptor.class.getName() + ".searchReferencesLeftToHapi";

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
		if (visibility.readsEveryOne(request, type)) {
			// nobody's record (a Practitioner, an Organization) and the caller reads all of the type: no match is hidden
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

	/** A resource about to be created: its references written as searches resolve to what the caller may see. */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource, RequestDetails request) {
		resolveSearchReferences(request, resource);
	}

	/** A resource about to be updated (or patched): as for a create. */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		resolveSearchReferences(request, newResource);
	}

	/** Searches left to HAPI, now resolved: checked before consent's write check would name a hidden target. */
	@Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = InterceptorOrder.SEARCH_REFERENCE_TARGETS)
	public void storagePrecommitResourceCreated(IBaseResource resource, RequestDetails request) {
		checkTargetsResolvedByHapi(request);
	}

	@Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED, order = InterceptorOrder.SEARCH_REFERENCE_TARGETS)
	public void storagePrecommitResourceUpdated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		checkTargetsResolvedByHapi(request);
	}

	private void resolveSearchReferences(RequestDetails request, IBaseResource resource) {
		if (request == null || request.getUserData().get(AccessToken.USER_DATA_KEY) == null || visibility.seesEverything(request)) {
			return;
		}
		FhirContext fhir = request.getFhirContext();
		for (IBaseReference reference : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, IBaseReference.class)) {
			String written = reference.getReferenceElement().getValue();
			SearchReference search = written == null ? null : SearchReference.of(written);
			if (search == null || !fhir.getResourceTypes().contains(search.type())) {
				continue; // not a search, or one HAPI refuses with its own error
			}
			// a bundle names the same practitioner or organization by search many times: decided once per request
			Resolution resolution = resolutions(request).computeIfAbsent(written, w -> resolve(request, search));
			switch (resolution.kind()) {
				case AS_HAPI_FINDS -> {}
				case CHECK_WHAT_HAPI_FINDS -> leftToHapi(request).add(new LeftToHapi(reference, written));
				case VISIBLE_MATCH -> reference.setReference(resolution.reference());
				case NO_VISIBLE_MATCH -> throw noMatch(fhir, written);
				case SEVERAL_VISIBLE_MATCHES -> throw new PreconditionFailedException(Msg.code(1092) + fhir.getLocalizer()
						.getMessage(TransactionDetails.class, "invalidMatchUrlMultipleMatches", written));
			}
		}
	}

	private Resolution resolve(RequestDetails request, SearchReference search) {
		if (visibility.decidedByScopeAlone(search.type())) {
			// nobody's record (a Practitioner, an Organization): the caller sees all of the type or none of it
			return new Resolution(visibility.readsEveryOne(request, search.type())
					? Resolution.Kind.AS_HAPI_FINDS : Resolution.Kind.NO_VISIBLE_MATCH, null);
		}
		List<IBaseResource> matches = stored.matching(search.type(), search.query(), MATCHES_LOOKED_AT);
		if (matches == null || matches.isEmpty()) { // HAPI errs, or finds what is checked once it has
			return new Resolution(Resolution.Kind.CHECK_WHAT_HAPI_FINDS, null);
		}
		List<IBaseResource> visible = matches.stream().filter(match -> visibility.canSee(request, match)).toList();
		if (visible.size() == matches.size() && matches.size() < MATCHES_LOOKED_AT) {
			return new Resolution(Resolution.Kind.AS_HAPI_FINDS, null);
		}
		if (visible.isEmpty()) {
			return new Resolution(Resolution.Kind.NO_VISIBLE_MATCH, null);
		}
		if (visible.size() > 1) {
			return new Resolution(Resolution.Kind.SEVERAL_VISIBLE_MATCHES, null);
		}
		return new Resolution(Resolution.Kind.VISIBLE_MATCH, search.type() + "/" + visible.get(0).getIdElement().getIdPart());
	}

	/** What a reference written as a search comes to for this caller. */
	private record Resolution(Kind kind, String reference) {
		enum Kind { AS_HAPI_FINDS, CHECK_WHAT_HAPI_FINDS, VISIBLE_MATCH, NO_VISIBLE_MATCH, SEVERAL_VISIBLE_MATCHES }
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Resolution> resolutions(RequestDetails request) {
		return (Map<String, Resolution>) request.getUserData().computeIfAbsent(RESOLUTIONS_KEY, k -> new HashMap<String, Resolution>());
	}

	private void checkTargetsResolvedByHapi(RequestDetails request) {
		if (request == null) {
			return;
		}
		@SuppressWarnings("unchecked")
		List<LeftToHapi> pending = (List<LeftToHapi>) request.getUserData().remove(LEFT_TO_HAPI_KEY);
		if (pending == null) {
			return;
		}
		for (LeftToHapi left : pending) {
			IIdType target = left.reference().getReferenceElement();
			if (target.getValue() == null || target.getValue().contains("?") || !target.hasResourceType() || !target.hasIdPart()) {
				continue;
			}
			Optional<IBaseResource> stored = this.stored.read(target.toUnqualifiedVersionless());
			if (stored.isEmpty() || !visibility.canSee(request, stored.get())) {
				throw noMatch(request.getFhirContext(), left.written());
			}
		}
	}

	/** HAPI's own answer to a reference whose search matches nothing, naming the search as written. */
	private static ResourceNotFoundException noMatch(FhirContext fhir, String written) {
		return new ResourceNotFoundException(Msg.code(1091) + fhir.getLocalizer()
				.getMessage(BaseStorageDao.class, "invalidMatchUrlNoMatches", written));
	}

	@SuppressWarnings("unchecked")
	private static List<LeftToHapi> leftToHapi(RequestDetails request) {
		return (List<LeftToHapi>) request.getUserData().computeIfAbsent(LEFT_TO_HAPI_KEY, k -> new ArrayList<LeftToHapi>());
	}

	/** A reference written as a search that matched nothing here, or could not be run here, and what it said. */
	private record LeftToHapi(IBaseReference reference, String written) {}

	/**
	 * A reference written as a search, read as HAPI reads it: the resource type is the path
	 * segment before the {@code ?} ({@code Patient?a=b}, {@code Patient/?a=b}, {@code http://x/fhir/Patient?a=b}).
	 */
	record SearchReference(String type, String query) {

		static SearchReference of(String reference) {
			int question = reference.indexOf('?');
			if (question <= 0 || question == reference.length() - 1) {
				return null;
			}
			String path = reference.substring(0, question);
			if (path.endsWith("/")) {
				path = path.substring(0, path.length() - 1);
			}
			String type = path.substring(path.lastIndexOf('/') + 1);
			return type.isEmpty() ? null : new SearchReference(type, reference.substring(question + 1));
		}
	}

	/** An error quoting narrowed criteria quotes the caller's own instead. */
	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException serverPreProcessOutgoingException(RequestDetails request, Throwable exception) {
		Map<String, String> originals = originalsIfAny(request);
		if (originals != null && exception instanceof BaseServerResponseException error) {
			if (error.getOperationOutcome() instanceof OperationOutcome outcome) {
				quoteAsWritten(outcome, originals);
			} else if (error.getOperationOutcome() == null && error.getMessage() != null) {
				OperationOutcome outcome = new OperationOutcome();
				OperationOutcomeUtil.addIssue(request.getFhirContext(), outcome, "error", asWritten(error.getMessage(), originals), null, "processing");
				error.setOperationOutcome(outcome);
			}
		}
		return null; // the exception itself stays, for the hooks after this one
	}

	/** An outcome (a conditional delete's) or a batch's entry outcomes quoting narrowed criteria quote the caller's own. */
	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void serverOutgoingResponse(RequestDetails request, ResponseDetails response) {
		Map<String, String> originals = originalsIfAny(request);
		if (originals == null) {
			return;
		}
		if (response.getResponseResource() instanceof OperationOutcome outcome) {
			quoteAsWritten(outcome, originals);
		} else if (response.getResponseResource() instanceof Bundle bundle) {
			for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
				if (entry.getResponse().getOutcome() instanceof OperationOutcome outcome) {
					quoteAsWritten(outcome, originals);
				}
				if (entry.getResource() instanceof OperationOutcome outcome) {
					quoteAsWritten(outcome, originals);
				}
			}
		}
	}

	private static void quoteAsWritten(OperationOutcome outcome, Map<String, String> originals) {
		for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
			if (issue.hasDiagnostics()) {
				issue.setDiagnostics(asWritten(issue.getDiagnostics(), originals));
			}
			if (issue.getDetails().hasText()) {
				issue.getDetails().setText(asWritten(issue.getDetails().getText(), originals));
			}
		}
	}

	/** The text with each narrowed query, as written or URL-encoded, replaced by the caller's own. */
	private static String asWritten(String text, Map<String, String> originals) {
		String result = text;
		for (Map.Entry<String, String> narrowed : originals.entrySet()) {
			result = result.replace(narrowed.getKey(), narrowed.getValue());
		}
		return result;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> originalsIfAny(RequestDetails request) {
		Map<String, String> originals = request == null ? null : (Map<String, String>) request.getUserData().get(ORIGINALS_KEY);
		return originals == null || originals.isEmpty() ? null : originals;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> originals(RequestDetails request) {
		return (Map<String, String>) request.getUserData().computeIfAbsent(ORIGINALS_KEY, k -> new HashMap<String, String>());
	}

	private record Narrowed(String query) {}
}
