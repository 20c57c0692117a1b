package org.consentfhir.interceptors.consent;

import java.util.Set;
import org.consentfhir.interceptors.auth.Role;

/**
 * The roles that may break the glass, which the consent decision of a single request needs
 * ({@link ConsentCallers}); the break-glass capability provides them from its settings.
 */
public record BreakGlassRoles(Set<Role> roles) {

	public BreakGlassRoles {
		roles = Set.copyOf(roles);
	}
}
