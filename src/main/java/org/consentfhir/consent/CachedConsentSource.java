package org.consentfhir.consent;

import org.consentfhir.interceptors.FhirIds;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.consentfhir.interceptors.consent.ConsentSource;
import org.consentfhir.storage.PolicyGeneration;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.PractitionerRole;

/**
 * Consents and affiliations read through HAPI's DAOs and kept in caffeine caches. Each entry
 * remembers the {@link PolicyGeneration} it was read under; {@link #beginRequest()} reads the
 * current generation once per request, and an entry from an older generation is read again. So a
 * change made through any node is seen by the next request everywhere, and between changes a
 * decision costs no query beyond that one read.
 */
public class CachedConsentSource implements ConsentSource {

	private static final int MAX_CONSENTS_PER_PATIENT = 1000;

	/** Beyond this many Consents that may admit a caller, a search is not narrowed (the per-record checks still decide). */
	static final int MAX_CONSENTS_ADMITTING = 20_000;

	/** {@code fhir-profiles/SearchParameter-consent-provision-without-actor.json}. */
	static final String PROVISION_WITHOUT_ACTOR = "provision-without-actor";

	private record Entry<T>(long generation, T value) {}

	private final DaoRegistry daos;
	private final PolicyGeneration generation;
	private final Cache<String, Entry<List<Consent>>> consents;
	private final Cache<String, Entry<Set<String>>> affiliations;
	private final Cache<Set<String>, Entry<Optional<Set<String>>>> admitting;
	private final java.util.concurrent.atomic.AtomicLong current = new java.util.concurrent.atomic.AtomicLong(-1);

	public CachedConsentSource(DaoRegistry daos, PolicyGeneration generation, long maximumPatients) {
		this.daos = daos;
		this.generation = generation;
		this.consents = Caffeine.newBuilder().maximumSize(maximumPatients).build();
		this.affiliations = Caffeine.newBuilder().maximumSize(Math.max(1000, maximumPatients / 10)).build();
		this.admitting = Caffeine.newBuilder().maximumSize(1000).build();
	}

	@Override
	public void beginRequest() {
		long latest = generation.current();
		current.accumulateAndGet(latest, Math::max);
	}

	@Override
	public List<Consent> consentsOf(String patientId) {
		if (!FhirIds.isId(patientId)) {
			return List.of(); // not a stored patient's id
		}
		return cached(consents, patientId, () -> {
			SearchParameterMap search = SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patientId));
			search.setLoadSynchronousUpTo(MAX_CONSENTS_PER_PATIENT);
			return daos.getResourceDao(Consent.class).search(search, new SystemRequestDetails()).getAllResources().stream()
					.map(Consent.class::cast)
					.toList();
		});
	}

	@Override
	public Set<String> affiliationsOf(String person) {
		if (!person.startsWith("Practitioner/")) {
			return Set.of();
		}
		return cached(affiliations, person, () -> {
			Set<String> found = new LinkedHashSet<>();
			SearchParameterMap roles = SearchParameterMap.newSynchronous("practitioner", new ReferenceParam(person))
					.add("active", new TokenParam("true"));
			daos.getResourceDao(PractitionerRole.class).search(roles, new SystemRequestDetails()).getAllResources().stream()
					.map(PractitionerRole.class::cast)
					.filter(PractitionerRole::hasOrganization)
					.forEach(role -> found.add(role.getOrganization().getReferenceElement().toUnqualifiedVersionless().getValue()));
			SearchParameterMap teams = SearchParameterMap.newSynchronous("participant", new ReferenceParam(person))
					.add("status", new TokenParam("active"));
			daos.getResourceDao(CareTeam.class).search(teams, new SystemRequestDetails()).getAllResources()
					.forEach(team -> found.add(team.getIdElement().toUnqualifiedVersionless().getValue()));
			return Set.copyOf(found);
		});
	}

	@Override
	public Set<String> patientsWhoMayAdmit(Set<String> actors) {
		if (actors.isEmpty()) {
			return null;
		}
		return cached(admitting, Set.copyOf(actors), () -> {
			ReferenceOrListParam named = new ReferenceOrListParam();
			actors.forEach(actor -> named.addOr(new ReferenceParam(actor)));
			SearchParameterMap naming = SearchParameterMap.newSynchronous().add("actor", named).add("status", new TokenParam("active"));
			SearchParameterMap open = SearchParameterMap.newSynchronous()
					.add(PROVISION_WITHOUT_ACTOR, new TokenOrListParam().addOr(new TokenParam("permit")).addOr(new TokenParam("deny")))
					.add("status", new TokenParam("active"));
			Set<String> patients = new HashSet<>();
			for (SearchParameterMap search : List.of(naming, open)) {
				search.setLoadSynchronousUpTo(MAX_CONSENTS_ADMITTING + 1);
				List<IBaseResource> found = daos.getResourceDao(Consent.class).search(search, new SystemRequestDetails()).getAllResources();
				if (found.size() > MAX_CONSENTS_ADMITTING) {
					return Optional.<Set<String>>empty();
				}
				found.stream().map(Consent.class::cast)
						.filter(consent -> mayPermit(consent.getProvision()))
						.map(consent -> consent.getPatient().getReferenceElement().getIdPart())
						.filter(java.util.Objects::nonNull)
						.forEach(patients::add);
			}
			return Optional.of(Set.copyOf(patients));
		}).orElse(null);
	}

	/** A provision that permits, or holds one that does: a Consent that only denies admits no one. */
	private static boolean mayPermit(Consent.ProvisionComponent provision) {
		return provision.getType() == Consent.ConsentProvisionType.PERMIT
				|| provision.getProvision().stream().anyMatch(CachedConsentSource::mayPermit);
	}

	private <T, K> T cached(Cache<K, Entry<T>> cache, K key, Supplier<T> load) {
		long generationAtStart = current.get();
		Entry<T> entry = cache.getIfPresent(key);
		if (entry != null && entry.generation() == generationAtStart && generationAtStart >= 0) {
			return entry.value();
		}
		T value = load.get();
		cache.put(key, new Entry<>(generationAtStart, value));
		return value;
	}
}
