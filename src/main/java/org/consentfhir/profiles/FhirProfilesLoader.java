package org.consentfhir.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.jpa.searchparam.registry.SearchParamRegistryImpl;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.consentfhir.storage.StorageProperties;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Loads this project's conformance resources ({@code fhir-profiles/*.json}: StructureDefinitions,
 * ValueSets, CodeSystems, SearchParameters) into the FHIR store at start-up.
 *
 * <p>Stored resources are served like any other ({@code GET /fhir/StructureDefinition/…}) and are
 * part of HAPI's validation support chain through its JPA-backed support, which also generates
 * snapshots for differential-only profiles. A resource is written only when it differs from the
 * stored copy, so a restart does not add versions. Alert rules (ObservationDefinitions) are seeds:
 * written only when absent, so an admin's edits through the API survive a restart. The built-in
 * search parameters the server does not index ({@link SearchParametersOff}) are stored as retired
 * SearchParameters; one the site switched back on has its stored stand-in removed.
 */
@Component
class FhirProfilesLoader implements ApplicationRunner {

	static final String LOCATION = "classpath*:fhir-profiles/*.json";
	/** Types whose stored copy, once there, belongs to the site (edited through the API). */
	private static final java.util.Set<String> SEEDED_TYPES = java.util.Set.of("ObservationDefinition");
	private static final Logger log = LoggerFactory.getLogger(FhirProfilesLoader.class);

	private final FhirContext fhirContext;
	private final DaoRegistry daoRegistry;
	private final IValidationSupport validationSupport;
	private final SearchParamRegistryImpl searchParamRegistry;
	private final StorageProperties storage;

	FhirProfilesLoader(
			FhirContext fhirContext,
			DaoRegistry daoRegistry,
			IValidationSupport validationSupport,
			SearchParamRegistryImpl searchParamRegistry,
			StorageProperties storage) {
		this.fhirContext = fhirContext;
		this.daoRegistry = daoRegistry;
		this.validationSupport = validationSupport;
		this.searchParamRegistry = searchParamRegistry;
		this.storage = storage;
	}

	@Override
	public void run(ApplicationArguments args) throws IOException {
		load();
	}

	/** Stores what differs from the stored copies; returns how many resources it wrote or removed. */
	int load() throws IOException {
		int written = 0;
		List<Resource> resources = new ArrayList<>(readAll());
		List<String> switchedOn = storage.searchParametersOn();
		for (SearchParametersOff.Off off : SearchParametersOff.read(fhirContext, switchedOn)) {
			if (!switchedOn.contains(off.key())) {
				resources.add(SearchParametersOff.retired(fhirContext, off));
			} else if (deleteIfStored(new IdType("SearchParameter", off.id()))) {
				written++;
			}
		}
		Map<String, Resource> stored = readStored(resources);
		for (Resource resource : resources) {
			if (storeIfChanged(resource, stored.get(key(resource)))) {
				written++;
			}
		}
		if (written > 0) {
			// Stored copies changed: make the registry and the validation chain see them before traffic.
			searchParamRegistry.forceRefresh();
			validationSupport.invalidateCaches();
		}
		log.info("Loaded {} conformance resources from fhir-profiles/ ({} written)", resources.size(), written);
		return written;
	}

	List<Resource> readAll() throws IOException {
		org.springframework.core.io.Resource[] files =
				new PathMatchingResourcePatternResolver().getResources(LOCATION);
		Arrays.sort(files, Comparator.comparing(org.springframework.core.io.Resource::getFilename));
		var parser = fhirContext.newJsonParser();
		return Arrays.stream(files).map(file -> {
					try (InputStream in = file.getInputStream()) {
						Resource resource = (Resource) parser.parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8));
						if (!resource.hasIdElement() || resource.getIdElement().getIdPart() == null) {
							throw new IllegalStateException("fhir-profiles/" + file.getFilename() + " has no id");
						}
						return resource;
					} catch (IOException e) {
						throw new IllegalStateException("Cannot read fhir-profiles/" + file.getFilename(), e);
					}
				})
				.toList();
	}

	/**
	 * The stored copies of the given resources by {@link #key}, one synchronous {@code _id} search per
	 * type: a start reads them all before it is ready, and one search costs what one read does.
	 */
	private Map<String, Resource> readStored(List<Resource> resources) {
		Map<String, Resource> stored = new HashMap<>();
		Map<String, List<Resource>> byType = resources.stream().collect(Collectors.groupingBy(Resource::fhirType));
		byType.forEach((type, ofType) -> {
			TokenOrListParam ids = new TokenOrListParam();
			ofType.forEach(resource -> ids.addOr(new TokenParam(resource.getIdElement().getIdPart())));
			SearchParameterMap byId = SearchParameterMap.newSynchronous().add(IAnyResource.SP_RES_ID, ids);
			for (IBaseResource found : daoRegistry.getResourceDao(type).search(byId, new SystemRequestDetails()).getAllResources()) {
				stored.put(key((Resource) found), (Resource) found);
			}
		});
		return stored;
	}

	private static String key(Resource resource) {
		return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
	}

	private boolean storeIfChanged(Resource resource, Resource stored) {
		if (stored != null && (SEEDED_TYPES.contains(resource.fhirType()) || sameContent(stored, resource))) {
			return false;
		}
		@SuppressWarnings("unchecked")
		IFhirResourceDao<Resource> dao = daoRegistry.getResourceDao((Class<Resource>) resource.getClass());
		SystemRequestDetails request = new SystemRequestDetails();
		if (resource instanceof SearchParameter parameter && parameter.getStatus() == PublicationStatus.RETIRED) {
			// index rows written before it was switched off are never searched again: nothing to reindex
			request.getUserData().put(JpaConstants.SKIP_REINDEX_ON_UPDATE, true);
		}
		dao.update(resource, request);
		return true;
	}

	private boolean deleteIfStored(IdType id) {
		IFhirResourceDao<SearchParameter> dao = daoRegistry.getResourceDao(SearchParameter.class);
		SystemRequestDetails request = new SystemRequestDetails();
		if (readOrNull(dao, id, request) == null) {
			return false;
		}
		dao.delete(id, request);
		return true;
	}

	private static <T extends Resource> T readOrNull(IFhirResourceDao<T> dao, IIdType id, SystemRequestDetails request) {
		try {
			return dao.read(id.toUnqualifiedVersionless(), request);
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return null;
		}
	}

	private static boolean sameContent(Resource stored, Resource candidate) {
		Resource a = stored.copy();
		Resource b = candidate.copy();
		a.setMeta(null);
		b.setMeta(null);
		a.setIdElement(b.getIdElement().toUnqualifiedVersionless());
		b.setIdElement(b.getIdElement().toUnqualifiedVersionless());
		if (a instanceof org.hl7.fhir.r4.model.DomainResource da && b instanceof org.hl7.fhir.r4.model.DomainResource db) {
			da.setText(null);
			db.setText(null);
		}
		return a.equalsDeep(b);
	}
}
