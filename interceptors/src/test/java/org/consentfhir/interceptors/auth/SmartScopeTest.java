package org.consentfhir.interceptors.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.consentfhir.interceptors.auth.SmartScope.Context;
import org.consentfhir.interceptors.auth.SmartScope.Permission;
import org.junit.jupiter.api.Test;

class SmartScopeTest {

	@Test
	void readsV1ScopesAsTheirV2Equivalents() {
		assertThat(SmartScope.parse("patient/Observation.read")).hasValueSatisfying(s -> {
			assertThat(s.context()).isEqualTo(Context.PATIENT);
			assertThat(s.permissions()).containsExactlyInAnyOrder(Permission.READ, Permission.SEARCH);
		});
		assertThat(SmartScope.parse("user/*.write").orElseThrow().toString()).isEqualTo("user/*.cud");
		assertThat(SmartScope.parse("system/*.*").orElseThrow().toString()).isEqualTo("system/*.cruds");
	}

	@Test
	void readsV2ScopesWithQueryFilters() {
		SmartScope scope = SmartScope.parse("patient/Observation.rs?category=vital-signs").orElseThrow();

		assertThat(scope.resourceType()).isEqualTo("Observation");
		assertThat(scope.permissions()).containsExactly(Permission.READ, Permission.SEARCH);
		assertThat(scope.filter()).isEqualTo("category=vital-signs");
	}

	@Test
	void ignoresNonResourceAndMalformedScopes() {
		for (String text : List.of("openid", "fhirUser", "launch/patient", "offline_access", "patient/Observation.sr",
				"patient/Observation.rr", "patient/Observation.", "doctor/*.read", "patient/observation.rs")) {
			assertThat(SmartScope.parse(text)).as(text).isEmpty();
		}
	}

	@Test
	void aRoleCeilingCutsScopesDown() {
		List<SmartScope> granted = List.of(
				SmartScope.parse("user/*.cruds").orElseThrow(),
				SmartScope.parse("patient/Observation.rs").orElseThrow());

		assertThat(Role.NURSE.limit(granted)).extracting(SmartScope::toString).containsExactly("user/*.crus", "patient/Observation.rs");
		assertThat(Role.PATIENT.limit(granted)).extracting(SmartScope::toString).containsExactly("patient/Observation.rs");
		assertThat(Role.ADMIN.limit(granted)).extracting(SmartScope::toString)
				.contains("user/Practitioner.cruds", "user/Organization.cruds", "user/ObservationDefinition.cruds")
				.noneMatch(s -> s.startsWith("user/Observation.") || s.contains("Patient"));
	}

	@Test
	void keepsTheFilterOfAFilteredScopeUnderAnUnfilteredCeiling() {
		SmartScope filtered = SmartScope.parse("user/Observation.rs?category=laboratory").orElseThrow();

		assertThat(Role.DOCTOR.limit(List.of(filtered))).containsExactly(filtered);
	}
}
