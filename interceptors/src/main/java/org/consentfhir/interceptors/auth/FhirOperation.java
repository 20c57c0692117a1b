package org.consentfhir.interceptors.auth;

import java.util.List;

/**
 * A provider of {@code $operations} on the FHIR endpoint ({@code @Operation} methods), which brings the
 * access rule of each. A capability declares its operation as a bean; the endpoint registers every
 * such bean as a provider and {@link ScopeRules} adds their rules, so adding an operation touches the
 * operation's own package only.
 */
public interface FhirOperation {

	/** Under which scopes each of this provider's operations may be called (docs/operations.md). */
	List<OperationRule> accessRules();
}
