package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOperationStatusEnum;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The patient-consent rule as HAPI's {@link IConsentService}, for everything the server hands out:
 * reads, searches and their later pages, includes, history, {@code $everything}, transaction and batch reads.
 *
 * <ul>
 *   <li>{@code startOperation}: a client the site trusts skips the checks (HAPI then also keeps
 *       totals); everyone else goes on to per-resource checks.</li>
 *   <li>{@code willSeeResource}: each resource about to be shown goes through the {@link ConsentGate}.
 *       A denied resource is left out of a result; the resource a request names itself
 *       ({@code Patient/1}, {@code Patient/1/$everything}, {@code Observation/2/_history/3}) is
 *       answered 403 by {@link ConsentRefusal}, as one that does not exist is.</li>
 *   <li>{@code completeOperation*}: the request's denials and break-glass permits go to the
 *       {@link ConsentDecisionRecorder}s (the audit trail, break-glass Flags).</li>
 * </ul>
 */
public final class PatientConsentService implements IConsentService {

	/** Operations whose result pages are made of resources shown (and so checked) one by one. */
	private static final java.util.Set<RestOperationTypeEnum> PAGES = java.util.EnumSet.of(
			RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GET_PAGE,
			RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.HISTORY_SYSTEM);

	private static final java.util.Set<RestOperationTypeEnum> FILTERED_BEFORE_STORED = java.util.EnumSet.of(
			RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
			RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.HISTORY_SYSTEM);

	private final ConsentCallers callers;
	private final ConsentGate gate;
	private final List<ConsentDecisionRecorder> recorders;
	private final LinkedCriteria linked;
	private final WholeRecordSearch wholeRecord;

	public PatientConsentService(ConsentCallers callers, ConsentGate gate, List<ConsentDecisionRecorder> recorders, LinkedCriteria linked,
			WholeRecordSearch wholeRecord) {
		this.callers = callers;
		this.gate = gate;
		this.recorders = List.copyOf(recorders);
		this.linked = linked;
		this.wholeRecord = wholeRecord;
	}

	@Override
	public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices context) {
		// No caller: a request authentication let through without a token (metadata, the API description);
		// any patient data it touched would still be refused resource by resource.
		ConsentCaller caller = callers.of(request);
		if (caller != null && caller.trusted()) {
			return ConsentOutcome.AUTHORIZED;
		}
		if (request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE) {
			linked.refuseUnfollowable(linked.of(request));
		}
		return ConsentOutcome.PROCEED;
	}

	/**
	 * Searches and history are filtered before their results are stored: HAPI's search task asks
	 * {@code canSeeResource} of every match before it saves it, so a stored search holds only what
	 * this caller may see. Pages are then full, {@code next} links lead only to more visible records,
	 * and the number of pages says nothing of hidden ones (filtered when shown, a page of hidden
	 * records came back empty with a {@code next} link: one page per hidden record). Such a stored
	 * search serves this caller alone (HAPI's consent interceptor never reuses it for another).
	 * HAPI's history bundles cannot leave out a resource when shown, so history is filtered before too.
	 * A search of one patient's records that the patient permits as a whole ({@link WholeRecordSearch})
	 * is not: it is run as it is, synchronously ({@link org.consentfhir.interceptors.search.OnePatientSearchInterceptor}).
	 */
	@Override
	public boolean shouldProcessCanSeeResource(RequestDetails request, IConsentContextServices context) {
		return FILTERED_BEFORE_STORED.contains(request.getRestOperationType()) && !wholeRecord.permittedUpFront(request);
	}

	/**
	 * Whether HAPI filters this request's matches for its caller before it stores them: as it asks
	 * {@code canSeeResource} of them ({@link #shouldProcessCanSeeResource}) unless the caller is one the
	 * site trusts, whose requests it lets through without asking.
	 */
	public boolean filtersForCaller(RequestDetails request) {
		ConsentCaller caller = callers.of(request);
		return (caller == null || !caller.trusted()) && shouldProcessCanSeeResource(request, null);
	}

	/**
	 * A match of a search with chains or reverse chains is also checked for what those say of other
	 * records ({@link LinkedCriteria}).
	 */
	@Override
	public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices context) {
		ConsentOutcome outcome = decide(request, resource);
		if (outcome.getStatus() != ConsentOperationStatusEnum.PROCEED
				|| request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
			return outcome;
		}
		java.util.List<LinkedCriteria.Link> links = linked.of(request);
		return links.isEmpty() || linked.revealsOnlyVisible(request, links, resource) ? outcome : ConsentOutcome.REJECT;
	}

	@Override
	public ConsentOutcome willSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices context) {
		if (isPageAlreadyChecked(request, resource)) {
			// every entry of a search, history or $everything page was shown (and checked) one by one;
			// this spares HAPI's walk through the whole page once more
			return ConsentOutcome.AUTHORIZED;
		}
		if (request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION) {
			// HAPI shows a transaction's entries while it is still storing them, and an entry refused
			// then is stored without its version; ConsentWriteInterceptor checks the writes and
			// filters the transaction's response once everything is stored
			return ConsentOutcome.PROCEED;
		}
		return decide(request, resource);
	}

	private ConsentOutcome decide(RequestDetails request, IBaseResource resource) {
		ConsentCaller caller = callers.of(request);
		ConsentDecision denial = gate.denialForShown(caller, resource, request);
		if (denial == null) {
			return ConsentOutcome.PROCEED;
		}
		if (isTheNamedResource(request, resource)) {
			// answered as a record that does not exist is (NoSuchRecordInterceptor); the reason is audited
			throw ConsentRefusal.of(caller, request.getResourceName() + "/" + request.getId().getIdPart());
		}
		return ConsentOutcome.REJECT;
	}

	@Override
	public void completeOperationSuccess(RequestDetails request, IConsentContextServices context) {
		record(request);
	}

	@Override
	public void completeOperationFailure(RequestDetails request, BaseServerResponseException exception, IConsentContextServices context) {
		record(request);
	}

	private void record(RequestDetails request) {
		ConsentDecisionLog log = ConsentDecisionLog.ifAny(request);
		if (log != null && !log.isEmpty()) {
			ConsentCaller caller = callers.of(request);
			for (ConsentDecisionRecorder recorder : recorders) {
				recorder.record(request, caller, log);
			}
		}
	}

	private static boolean isPageAlreadyChecked(RequestDetails request, IBaseResource resource) {
		if (!(resource instanceof Bundle bundle)
				|| bundle.getType() != Bundle.BundleType.SEARCHSET && bundle.getType() != Bundle.BundleType.HISTORY) {
			return false;
		}
		RestOperationTypeEnum operation = request.getRestOperationType();
		return PAGES.contains(operation)
				|| (operation == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE || operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE)
						&& "$everything".equals(request.getOperation());
	}

	private static boolean isTheNamedResource(RequestDetails request, IBaseResource resource) {
		IIdType named = request.getId();
		IIdType id = resource.getIdElement();
		return named != null && named.hasIdPart() && id != null
				&& named.getIdPart().equals(id.getIdPart())
				&& (request.getResourceName() == null || request.getResourceName().equals(id.getResourceType())
						|| id.getResourceType() == null);
	}
}
