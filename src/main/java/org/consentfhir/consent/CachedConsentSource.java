package org.consentfhir.consent;

import org.consentfhir.interceptors.FhirIds;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.consentfhir.interceptors.consent.ConsentSource;
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

	private record Entry<T>(long generation, T value) {}

	private final DaoRegistry daos;
	private final PolicyGeneration generation;
	private final Cache<String, Entry<List<Consent>>> consents;
	private final Cache<String, Entry<Set<String>>> affiliations;
	private final java.util.concurrent.atomic.AtomicLong current = new java.util.concurrent.atomic.AtomicLong(-1);

	public CachedConsentSource(DaoRegistry daos, PolicyGeneration generation, long maximumPatients) {
		this.daos = daos;
		this.generation = generation;
		this.consents = Caffeine.newBuilder().maximumSize(maximumPatients).build();
		this.affiliations = Caffeine.newBuilder().maximumSize(Math.max(1000, maximumPatients / 10)).build();
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

	private <T> T cached(Cache<String, Entry<T>> cache, String key, Supplier<T> load) {
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
