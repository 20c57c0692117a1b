package org.consentfhir.alerting;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.consentfhir.consent.PolicyGeneration;
import org.consentfhir.interceptors.alerting.AlertRuleSource;
import org.consentfhir.interceptors.alerting.AlertRules;
import org.consentfhir.interceptors.alerting.VitalSignDefinition;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The rule book read from the stored ObservationDefinitions, held in memory.
 *
 * <p>Kept current without a restart: a definition written on this node drops the book once its
 * transaction commits; a write on another node moves the shared {@link PolicyGeneration}, which is
 * looked at no more than once a second, so other nodes follow within a second.
 *
 * <p>Also the gate for the definitions themselves (hooks {@code STORAGE_PRESTORAGE_RESOURCE_*}): only
 * the rule-editor roles may change them, and one that does not make sense as rules (an unknown
 * severity, an age in an unknown unit) is refused with 422 before it is stored.
 */
@Interceptor
class StoredAlertRules implements AlertRuleSource {

	private static final long RECHECK_NANOS = 1_000_000_000L;

	private record Book(long generation, long checkedAt, AlertRules rules) {}

	private final DaoRegistry daos;
	private final PolicyGeneration generation;
	private final Set<Role> editorRoles;
	private final AtomicReference<Book> book = new AtomicReference<>();

	StoredAlertRules(DaoRegistry daos, PolicyGeneration generation, Set<Role> editorRoles) {
		this.daos = daos;
		this.generation = generation;
		this.editorRoles = Set.copyOf(editorRoles);
	}

	@Override
	public AlertRules current() {
		Book known = book.get();
		long now = System.nanoTime();
		if (known != null && now - known.checkedAt() < RECHECK_NANOS) {
			return known.rules();
		}
		long latest = generation.current();
		if (known != null && known.generation() == latest) {
			book.compareAndSet(known, new Book(latest, now, known.rules()));
			return known.rules();
		}
		Book loaded = new Book(latest, now, load());
		book.set(loaded);
		return loaded.rules();
	}

	private AlertRules load() {
		SearchParameterMap all = SearchParameterMap.newSynchronous();
		all.setLoadSynchronousUpTo(10_000);
		return AlertRules.fromDefinitions(daos.getResourceDao(ObservationDefinition.class)
				.search(all, new SystemRequestDetails()).getAllResources().stream()
				.map(ObservationDefinition.class::cast)
				.toList());
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource, RequestDetails request) {
		if (resource instanceof ObservationDefinition definition) {
			checkEditor(request);
			checkMeaning(definition);
			dropAfterCommit();
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		storagePrestorageResourceCreated(newResource, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void storagePrestorageResourceDeleted(IBaseResource resource, RequestDetails request) {
		if (resource instanceof ObservationDefinition) {
			checkEditor(request);
			dropAfterCommit();
		}
	}

	private void checkEditor(RequestDetails request) {
		AccessToken token = request == null ? null : (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null) {
			return; // the server's own write (fhir-profiles/ at start-up)
		}
		if (token.role() == null || !editorRoles.contains(token.role())) {
			throw new ForbiddenOperationException("Alert rules (ObservationDefinition) are changed by the roles "
					+ editorRoles.stream().map(Role::id).sorted().toList() + " only");
		}
	}

	private static void checkMeaning(ObservationDefinition definition) {
		try {
			ObservationDefinition candidate = definition.copy();
			if (candidate.getIdElement().getIdPart() == null) {
				candidate.setId("new"); // a create: the id is assigned after this check
			}
			VitalSignDefinition.from(candidate);
		} catch (RuntimeException e) {
			throw new UnprocessableEntityException("The ObservationDefinition does not make sense as alert rules: " + e.getMessage());
		}
	}

	private void dropAfterCommit() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					book.set(null);
				}
			});
		} else {
			book.set(null);
		}
	}
}
