package org.consentfhir.interceptors.auth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles of the source systems and the most each may do, as SMART scopes: the one place where
 * roles meet scopes. A token that names a role gets the scopes it asked for, cut down to its role's
 * ceiling; the built-in authorization server never issues more than the ceiling either.
 *
 * <table>
 *   <tr><th>role</th><th>ceiling</th><th>meaning</th></tr>
 *   <tr><td>admin</td><td>user/{Practitioner,PractitionerRole,Organization,Location,Device,ObservationDefinition}.cruds</td>
 *       <td>manages people, places, devices and alert rules (users and clients at the authorization server); no clinical data</td></tr>
 *   <tr><td>doctor</td><td>user/*.cruds, patient/*.cruds</td><td>reads and writes clinical data (patient/
 *       scopes for an app launched on one patient)</td></tr>
 *   <tr><td>nurse</td><td>user/*.crus, patient/*.crus</td><td>creates, reads, updates and searches; never deletes</td></tr>
 *   <tr><td>patient</td><td>patient/*.cruds</td><td>only their own compartment, their own Consents included</td></tr>
 *   <tr><td>registrar</td><td>user/{Patient,Consent,RelatedPerson}.crus, user/{Practitioner,PractitionerRole,Organization}.rs</td>
 *       <td>the registration desk: registers patients and records their Consents with evidence of the
 *       patient's agreement (ConsentAuthorship), never one that permits the registrar or their organization</td></tr>
 *   <tr><td>auditor</td><td>user/AuditEvent.rs, user/{Practitioner,PractitionerRole,Organization}.rs</td>
 *       <td>the privacy officer: the only role that reads and searches AuditEvents and any patient's {@code $access-log}</td></tr>
 *   <tr><td>device</td><td>system/Observation.c</td><td>a registered Device (fhirUser {@code Device/…}) creating readings,
 *       only for the patients it is assigned to (DeviceAssignmentInterceptor)</td></tr>
 * </table>
 */
public enum Role {
	ADMIN(
			"user/Practitioner.cruds",
			"user/PractitionerRole.cruds",
			"user/Organization.cruds",
			"user/Location.cruds",
			"user/Device.cruds",
			"user/ObservationDefinition.cruds"),
	DOCTOR("user/*.cruds", "patient/*.cruds"),
	NURSE("user/*.crus", "patient/*.crus"),
	PATIENT("patient/*.cruds"),
	REGISTRAR(
			"user/Patient.crus",
			"user/Consent.crus",
			"user/RelatedPerson.crus",
			"user/Practitioner.rs",
			"user/PractitionerRole.rs",
			"user/Organization.rs"),
	AUDITOR("user/AuditEvent.rs", "user/Practitioner.rs", "user/PractitionerRole.rs", "user/Organization.rs"),
	DEVICE("system/Observation.c");

	private final List<SmartScope> ceiling;

	Role(String... ceiling) {
		this.ceiling = List.of(ceiling).stream()
				.map(s -> SmartScope.parse(s).orElseThrow())
				.toList();
	}

	public List<SmartScope> ceiling() {
		return ceiling;
	}

	/** The granted scopes cut down to this role's ceiling. */
	public List<SmartScope> limit(List<SmartScope> granted) {
		return granted.stream()
				.flatMap(scope -> ceiling.stream().flatMap(c -> scope.within(c).stream()))
				.distinct()
				.toList();
	}

	public static Optional<Role> of(String name) {
		if (name == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
		} catch (IllegalArgumentException unknown) {
			return Optional.empty();
		}
	}

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}
}
