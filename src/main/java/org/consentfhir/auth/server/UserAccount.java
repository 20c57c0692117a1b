package org.consentfhir.auth.server;

import java.io.Serializable;
import java.security.Principal;
import java.time.Instant;
import org.consentfhir.interceptors.auth.Role;

/**
 * A person who signs in at the built-in authorization server: their role and the FHIR resource
 * that is them ({@code Practitioner/…} or {@code Patient/…}). The password hash never leaves the store.
 */
public record UserAccount(
		String username, Role role, String fhirUser, boolean enabled, int failedLogins, Instant lockedUntil)
		implements Principal, Serializable {

	@Override
	public String getName() {
		return username;
	}

	public boolean lockedAt(Instant now) {
		return lockedUntil != null && lockedUntil.isAfter(now);
	}

	/** The patient this user is, for a patient's own launch context; null for anyone else. */
	public String ownPatientId() {
		return fhirUser != null && fhirUser.startsWith("Patient/") ? fhirUser.substring("Patient/".length()) : null;
	}
}
