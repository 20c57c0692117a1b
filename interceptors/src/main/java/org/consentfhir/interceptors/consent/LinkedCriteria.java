package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.util.FhirTerser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * A search's criteria on other records than the ones it finds: reverse chains
 * ({@code Patient?_has:Observation:patient:code=X}) and chains ({@code Observation?subject:Patient.family=Y}).
 * A match shown to a caller whom consent limits tells that some other record meets those criteria,
 * so it is shown only when the caller may see such a record: for a reverse chain, one of the
 * records found by it; for a chain, every record the match refers to that the chain could have followed.
 * Otherwise the match is left out, as a hidden record is. Chains and reverse chains of more than one
 * link are for clients the site trusts with every record.
 */
public final class LinkedCriteria {

	/** The records of a reverse chain looked at per match; beyond them the match is left out. */
	static final int RECORDS_LOOKED_AT = 50;

	private static final String HAS = "_has:";

	private static final String LINKS_KEY = LinkedCriteria.class.getName() + ".links";

	private final FhirContext fhir;
	private final FhirTerser terser;
	private final StoredResources stored;
	private final CallerVisibility visibility;

	public LinkedCriteria(FhirContext fhir, StoredResources stored, CallerVisibility visibility) {
		this.fhir = fhir;
		this.terser = fhir.newTerser();
		this.stored = stored;
		this.visibility = visibility;
	}

	/** The links of this request's search, or none; read from its parameters once per request. */
	@SuppressWarnings("unchecked")
	public List<Link> of(RequestDetails request) {
		return (List<Link>) request.getUserData().computeIfAbsent(LINKS_KEY, k -> parse(request));
	}

	private static List<Link> parse(RequestDetails request) {
		Map<String, String[]> parameters = request.getParameters();
		if (parameters == null || parameters.isEmpty() || request.getResourceName() == null) {
			return List.of();
		}
		List<Link> links = new ArrayList<>();
		for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
			Link link = Link.parse(parameter.getKey(), parameter.getValue());
			if (link != null) {
				links.add(link);
			}
		}
		return List.copyOf(links);
	}

	/** Refuses a search whose links the per-match check cannot follow: more than one link deep. */
	public void refuseUnfollowable(List<Link> links) {
		for (Link link : links) {
			if (link.deeper()) {
				throw new ForbiddenOperationException("A search whose chain or reverse chain (" + link.parameter()
						+ ") goes more than one link deep is for clients trusted with every record: consent cannot be "
						+ "checked for the records it passes through; search one link at a time");
			}
		}
	}

	/** Whether showing {@code match} reveals only records the caller may see. */
	public boolean revealsOnlyVisible(RequestDetails request, List<Link> links, IBaseResource match) {
		String type = fhir.getResourceType(match);
		if (!type.equals(request.getResourceName()) || match.getIdElement().getIdPart() == null) {
			return true; // an included record, whose own criteria are not these
		}
		for (Link link : links) {
			boolean shown = link.reverse()
					? aVisibleRecordMeets(request, link, type + "/" + match.getIdElement().getIdPart())
					: everyTargetVisible(request, link, match);
			if (!shown) {
				return false;
			}
		}
		return true;
	}

	private boolean aVisibleRecordMeets(RequestDetails request, Link link, String matchId) {
		if (visibility.readsEveryOne(request, link.type())) {
			return true;
		}
		for (String value : link.values()) {
			List<IBaseResource> records = stored.matching(link.type(),
					link.reference() + "=" + encode(matchId) + "&" + link.criterion() + "=" + encode(value), RECORDS_LOOKED_AT);
			if (records == null || records.stream().noneMatch(record -> visibility.canSee(request, record))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Every record the match refers to that the chain could have followed: references to the chain's
	 * type, or to any type the chained parameter may point to. A superset of what HAPI followed, so
	 * the match may be left out where a narrower check would show it, never the other way round.
	 */
	private boolean everyTargetVisible(RequestDetails request, Link link, IBaseResource match) {
		Set<String> targets = link.type() != null ? Set.of(link.type()) : targetsOf(fhir.getResourceType(match), link.reference());
		for (IBaseReference reference : terser.getAllPopulatedChildElementsOfType(match, IBaseReference.class)) {
			IIdType target = reference.getReferenceElement();
			if (target == null || !target.hasResourceType() || !target.hasIdPart() || target.isLocal()
					|| !targets.isEmpty() && !targets.contains(target.getResourceType())
					|| visibility.readsEveryOne(request, target.getResourceType())) {
				continue;
			}
			Optional<IBaseResource> record = stored.read(target.toUnqualifiedVersionless());
			if (record.isPresent() && !visibility.canSee(request, record.get())) {
				return false;
			}
		}
		return true;
	}

	/** The types a reference parameter may point to; empty when any (or when the parameter is not one HAPI defines). */
	private Set<String> targetsOf(String type, String reference) {
		RuntimeSearchParam parameter = fhir.getResourceDefinition(type).getSearchParam(reference);
		return parameter == null ? Set.of() : parameter.getTargets();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	/**
	 * One chained or reverse-chained parameter.
	 *
	 * @param parameter the parameter as written
	 * @param reverse   a reverse chain ({@code _has})
	 * @param type      the other records' type: the reverse chain's, or the chain's {@code :Type} (else null)
	 * @param reference the reference parameter that links them
	 * @param criterion what the other records must meet (the reverse chain's parameter, or the chain's)
	 * @param deeper    whether the criterion itself goes another link further
	 * @param values    the values, one per repetition of the parameter
	 */
	public record Link(String parameter, boolean reverse, String type, String reference, String criterion, boolean deeper,
			List<String> values) {

		static Link parse(String parameter, String[] values) {
			List<String> given = values == null ? List.of() : List.of(values);
			if (parameter.startsWith(HAS)) {
				String[] parts = parameter.substring(HAS.length()).split(":", 3);
				if (parts.length < 3) {
					return null; // HAPI refuses it
				}
				return new Link(parameter, true, parts[0], parts[1], parts[2], parts[2].startsWith(HAS) || parts[2].contains("."), given);
			}
			int dot = parameter.indexOf('.');
			if (parameter.startsWith("_") || dot <= 0) {
				return null;
			}
			String head = parameter.substring(0, dot);
			String criterion = parameter.substring(dot + 1);
			int colon = head.indexOf(':');
			return new Link(parameter, false, colon < 0 ? null : head.substring(colon + 1), colon < 0 ? head : head.substring(0, colon),
					criterion, criterion.contains("."), given);
		}
	}
}
