package org.consentfhir.interceptors.auth;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderAppliesTo;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifier;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import org.consentfhir.interceptors.auth.SmartScope.Context;
import org.consentfhir.interceptors.auth.SmartScope.Permission;
import org.hl7.fhir.r4.model.IdType;

/**
 * Translates a token's SMART scopes into HAPI authorization rules for one request. Every rule is
 * named after the scope that allows it, and the list ends in a named deny, so a refusal always
 * says which rule refused.
 *
 * <ul>
 *   <li>{@code patient/} scopes reach only the compartment of the token's patient; without a
 *       patient in the token they reach nothing. The shared directory types a patient's record
 *       points to ({@link #SHARED_TYPES}: practitioners, organizations, locations, medications)
 *       belong to no patient's compartment; a {@code patient/} scope that covers them may read
 *       (never write) them, so {@code $everything} and includes can show who treated the patient.</li>
 *   <li>{@code r} allows read and vread, {@code s} search; a search or read the scopes do not
 *       allow for the requested type is refused up front. Resources that come back (includes,
 *       history, {@code $everything}) must each be readable under some scope.</li>
 *   <li>{@code c} allows create, {@code u} update and patch, {@code d} delete. Creates are listed
 *       first so that an update-only scope can refuse creates without hiding another scope's.</li>
 *   <li>Transaction and batch Bundles are allowed as envelopes; each entry meets the same rules.</li>
 *   <li>A query filter ({@code ?category=vital-signs}) limits what the scope reaches to resources
 *       matching it.</li>
 *   <li>The {@code $operations} of HAPI's JPA server this server offers ({@code $everything},
 *       {@code $validate}, {@code $snapshot}, {@code $meta}) have their rules here; every operation the
 *       server adds brings its own {@link OperationRule}, given to the constructor.</li>
 * </ul>
 *
 * <p>The rules of one set of scopes and one patient are built once and kept ({@link #GRANTS_KEPT}
 * of them): HAPI's rules are settings, read and never changed while a request is judged, so one
 * list serves every request of the same grant, on any thread. The up-front refusal, which looks at
 * the request, is decided for each request before them.
 */
public final class ScopeRules {

	static final List<String> SHARED_TYPES = List.of(
			"Practitioner", "PractitionerRole", "Organization", "Location", "HealthcareService", "Endpoint",
			"Medication", "Substance");

	static final String DEFAULT_DENY = "no scope of the access token allows this request";

	/** HAPI's {@code Patient/[id]/$everything}: every resource of its answer must be readable too. */
	private static final OperationRule EVERYTHING = OperationRule.onPatient("$everything", "Patient", "Patient", true);

	/** How many grants' rules are kept; one per distinct set of scopes and patient in use. */
	static final int GRANTS_KEPT = 10_000;

	/** What the rules depend on: the token's usable scopes and its patient. */
	private record Grant(List<SmartScope> scopes, String patient) {}

	private final List<OperationRule> operations;
	private final Cache<Grant, List<IAuthRule>> rulesOfGrant = Caffeine.newBuilder().maximumSize(GRANTS_KEPT).build();

	/** @param operations the access rules the server's own operations bring */
	public ScopeRules(List<OperationRule> operations) {
		this.operations = List.copyOf(operations);
	}

	public List<IAuthRule> forRequest(AccessToken token, RestOperationTypeEnum operation, String resourceType) {
		List<SmartScope> scopes = token.scopes().stream()
				.filter(s -> s.context() != Context.PATIENT || token.patient() != null)
				.toList();
		String refusal = upFrontRefusal(scopes, operation, resourceType);
		if (refusal != null) {
			return new RuleBuilder().denyAll(refusal).build();
		}
		return rulesOfGrant.get(new Grant(scopes, token.patient()), grant -> List.copyOf(rulesFor(grant.scopes(), grant.patient())));
	}

	private List<IAuthRule> rulesFor(List<SmartScope> scopes, String patientId) {
		IdType patient = patientId == null ? null : new IdType("Patient", patientId);
		RuleBuilder rules = new RuleBuilder();
		rules.allow("metadata is public").metadata().andThen()
				.allow("transaction and batch entries are checked one by one").transaction().withAnyOperation().andApplyNormalRules();

		for (SmartScope scope : scopes) {
			if (scope.allows(Permission.CREATE)) {
				applies(rules.allow(scope + " creates").createConditional(), scope);
				classify(applies(rules.allow(scope + " creates").create(), scope), scope, patient);
			}
		}
		for (SmartScope scope : scopes) {
			if (scope.allows(Permission.READ) || scope.allows(Permission.SEARCH)) {
				classify(applies(rules.allow(scope.toString()).read(), scope), scope, patient);
				if (scope.context() == Context.PATIENT) {
					for (String shared : SHARED_TYPES) {
						if (scope.coversType(shared)) {
							rules.allow(scope + " reads the shared " + shared + " directory").read().resourcesOfType(shared).withAnyId();
						}
					}
				}
			}
			if (scope.allows(Permission.UPDATE)) {
				if (!scope.allows(Permission.CREATE)) {
					classify(applies(rules.deny(scope + " does not create").create(), scope), scope, patient);
				}
				applies(rules.allow(scope + " updates").updateConditional(), scope);
				classify(applies(rules.allow(scope + " updates").write(), scope), scope, patient);
			}
			if (scope.allows(Permission.DELETE)) {
				applies(rules.allow(scope + " deletes").deleteConditional(), scope);
				classify(applies(rules.allow(scope + " deletes").delete(), scope), scope, patient);
			}
		}
		if (scopes.stream().anyMatch(s -> s.allows(Permission.UPDATE))) {
			rules.allow("patch, then checked as an update").patch().allRequests();
		}
		if (scopes.stream().anyMatch(s -> s.allows(Permission.CREATE) || s.allows(Permission.UPDATE))) {
			rules.allow("$validate stores nothing").operation().named("$validate").atAnyLevel().andAllowAllResponses();
		}
		EVERYTHING.allow(rules, scopes, patient);
		if (scopes.stream().anyMatch(s -> s.context() != Context.PATIENT && s.coversType("StructureDefinition") && s.allows(Permission.READ))) {
			rules.allow("$snapshot of a StructureDefinition, for its reader").operation().named("$snapshot")
					.onInstancesOfType(org.hl7.fhir.r4.model.StructureDefinition.class).andAllowAllResponses();
		}
		for (OperationRule rule : operations) {
			rule.allow(rules, scopes, patient);
		}
		metaRules(rules, scopes);
		rules.denyAll(DEFAULT_DENY);
		return rules.build();
	}

	/** A search or read of a type the scopes do not allow that way at all, refused before any work. */
	private static String upFrontRefusal(List<SmartScope> scopes, RestOperationTypeEnum operation, String type) {
		if (type == null || operation == null) {
			return null;
		}
		Permission needed = switch (operation) {
			case SEARCH_TYPE -> Permission.SEARCH;
			case READ, VREAD -> Permission.READ;
			default -> null;
		};
		if (needed == null || scopes.stream().anyMatch(s -> s.coversType(type) && s.allows(needed))) {
			return null;
		}
		return "no scope of the access token allows " + (needed == Permission.SEARCH ? "search" : "read") + " of " + type;
	}

	/** $meta reads and $meta-add/-delete change tags of any resource: only for unfiltered user or system scopes on every type. */
	private static void metaRules(RuleBuilder rules, List<SmartScope> scopes) {
		if (scopes.stream().anyMatch(s -> wideOnEveryType(s) && s.allows(Permission.READ))) {
			rules.allow("$meta under a scope that reads every type").operation().named("$meta").atAnyLevel().andAllowAllResponses();
		}
		if (scopes.stream().anyMatch(s -> wideOnEveryType(s) && s.allows(Permission.UPDATE))) {
			rules.allow("$meta-add under a scope that updates every type").operation().named("$meta-add").onAnyInstance().andAllowAllResponses()
					.andThen()
					.allow("$meta-delete under a scope that updates every type").operation().named("$meta-delete").onAnyInstance().andAllowAllResponses();
		}
	}

	private static boolean wideOnEveryType(SmartScope scope) {
		return scope.context() != Context.PATIENT && scope.isAnyType() && scope.filter() == null;
	}

	private static <T> T applies(IAuthRuleBuilderAppliesTo<T> builder, SmartScope scope) {
		return scope.isAnyType() ? builder.allResources() : builder.resourcesOfType(scope.resourceType());
	}

	private static void classify(IAuthRuleBuilderRuleOpClassifier classifier, SmartScope scope, IdType patient) {
		if (scope.context() == Context.PATIENT) {
			if (scope.filter() == null) {
				classifier.inCompartment("Patient", patient);
			} else {
				classifier.inCompartmentWithFilter("Patient", patient, scope.filter());
			}
		} else if (scope.filter() == null) {
			classifier.withAnyId();
		} else {
			classifier.withFilter(scope.filter());
		}
	}
}
