package org.consentfhir.interceptors.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeRulesTest {

	private final ScopeRules rules = new ScopeRules(List.of());

	private static AccessToken token(String patient, String... scopes) {
		List<SmartScope> parsed = java.util.Arrays.stream(scopes).map(s -> SmartScope.parse(s).orElseThrow()).toList();
		return new AccessToken("https://issuer", "subject-" + patient, "app", parsed, List.of(scopes), patient, null,
				Role.PATIENT, Instant.now().plusSeconds(600), null);
	}

	@Test
	void theRulesOfOneGrantAreBuiltOnceForEveryRequestAndEveryToken() {
		List<IAuthRule> first = rules.forRequest(token("1", "patient/*.rs"), RestOperationTypeEnum.SEARCH_TYPE, "Observation");
		List<IAuthRule> again = rules.forRequest(token("1", "patient/*.rs"), RestOperationTypeEnum.READ, "Condition");

		assertThat(again).isSameAs(first);
	}

	@Test
	void anotherPatientOrOtherScopesGetRulesOfTheirOwn() {
		List<IAuthRule> ofPatient1 = rules.forRequest(token("1", "patient/*.rs"), RestOperationTypeEnum.SEARCH_TYPE, "Observation");
		List<IAuthRule> ofPatient2 = rules.forRequest(token("2", "patient/*.rs"), RestOperationTypeEnum.SEARCH_TYPE, "Observation");
		List<IAuthRule> writer = rules.forRequest(token("1", "patient/*.rs", "patient/Observation.c"), RestOperationTypeEnum.SEARCH_TYPE, "Observation");

		assertThat(ofPatient2).isNotSameAs(ofPatient1);
		assertThat(ofPatient1.toString()).contains("Patient/1").doesNotContain("Patient/2");
		assertThat(ofPatient2.toString()).contains("Patient/2").doesNotContain("Patient/1");
		assertThat(writer).isNotSameAs(ofPatient1);
		assertThat(writer).extracting(IAuthRule::getName).contains("patient/Observation.c creates");
		assertThat(ofPatient1).extracting(IAuthRule::getName).noneMatch(name -> name.contains("creates"));
	}

	@Test
	void aRequestNoScopeAllowsIsRefusedUpFrontWhateverWasKept() {
		rules.forRequest(token("1", "patient/Observation.rs"), RestOperationTypeEnum.SEARCH_TYPE, "Observation");

		List<IAuthRule> refused = rules.forRequest(token("1", "patient/Observation.rs"), RestOperationTypeEnum.SEARCH_TYPE, "Condition");

		assertThat(refused).hasSize(1);
		assertThat(refused.get(0).getName()).isEqualTo("no scope of the access token allows search of Condition");
	}
}
