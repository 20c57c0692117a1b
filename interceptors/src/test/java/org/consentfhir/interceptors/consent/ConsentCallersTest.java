package org.consentfhir.interceptors.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;

class ConsentCallersTest {

	private final ConsentSource source = new ConsentSource() {
		@Override
		public List<Consent> consentsOf(String patientId) {
			return List.of();
		}

		@Override
		public Set<String> affiliationsOf(String person) {
			return Set.of("Organization/clinic");
		}
	};
	private final ConsentCallers callers = new ConsentCallers(source, Set.of("loader"), Set.of(Role.DOCTOR));

	@Test
	void doctorsAndNursesDefaultToTreatmentAndActForTheirOrganizations() {
		ConsentCaller caller = callers.of(request(token("ehr", Role.NURSE, "Practitioner/n1", null)));

		assertThat(caller.purpose()).isEqualTo(PurposeOfUse.TREAT);
		assertThat(caller.purposeSource()).isEqualTo("role default");
		assertThat(caller.actors()).containsExactlyInAnyOrder("Practitioner/n1", "Organization/clinic");
		assertThat(caller.trusted()).isFalse();
	}

	@Test
	void theHeaderWinsOverTheTokenClaimWhichWinsOverTheRoleDefault() {
		SystemRequestDetails request = request(token("ehr", Role.DOCTOR, "Practitioner/d1", "HRESCH"));
		assertThat(callers.of(request).purpose()).isEqualTo(PurposeOfUse.HRESCH);

		SystemRequestDetails withHeader = request(token("ehr", Role.DOCTOR, "Practitioner/d1", "HRESCH"));
		withHeader.addHeader(ConsentCallers.PURPOSE_HEADER, "pubhlth");
		assertThat(callers.of(withHeader).purpose()).isEqualTo(PurposeOfUse.PUBHLTH);
	}

	@Test
	void aCallerWithoutRoleOrClaimHasNoPurpose() {
		assertThat(callers.of(request(token("ehr", null, "Practitioner/d1", null))).purpose()).isNull();
	}

	@Test
	void aPatientIsThemselvesAndATrustedClientIsTrusted() {
		assertThat(callers.of(request(token("app", Role.PATIENT, "Patient/p9", null))).isPatient("p9")).isTrue();
		assertThat(callers.of(request(token("loader", null, null, null))).trusted()).isTrue();
	}

	@Test
	void breakingTheGlassOnOneRequestNeedsABreakGlassRoleAndAReason() {
		SystemRequestDetails doctor = request(token("ehr", Role.DOCTOR, "Practitioner/d1", null));
		doctor.addHeader(ConsentCallers.PURPOSE_HEADER, "BTG");
		doctor.addHeader(ConsentCallers.BREAK_GLASS_REASON_HEADER, "crash");
		SystemRequestDetails noReason = request(token("ehr", Role.DOCTOR, "Practitioner/d1", null));
		noReason.addHeader(ConsentCallers.PURPOSE_HEADER, "BTG");
		SystemRequestDetails nurse = request(token("ehr", Role.NURSE, "Practitioner/n1", null));
		nurse.addHeader(ConsentCallers.PURPOSE_HEADER, "BTG");
		nurse.addHeader(ConsentCallers.BREAK_GLASS_REASON_HEADER, "crash");

		assertThat(callers.of(doctor).breaksGlassForThisRequest()).isTrue();
		assertThatThrownBy(() -> callers.of(noReason)).isInstanceOf(InvalidRequestException.class);
		assertThatThrownBy(() -> callers.of(nurse)).isInstanceOf(ForbiddenOperationException.class);
	}

	@Test
	void anUnknownPurposeIsABadRequest() {
		SystemRequestDetails request = request(token("ehr", Role.DOCTOR, "Practitioner/d1", null));
		request.addHeader(ConsentCallers.PURPOSE_HEADER, "FUN");

		assertThatThrownBy(() -> callers.of(request)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("FUN");
	}

	private static AccessToken token(String client, Role role, String fhirUser, String purpose) {
		return new AccessToken("https://issuer", "sub", client, List.of(), List.of(), null, fhirUser, role, Instant.MAX, purpose);
	}

	private static SystemRequestDetails request(AccessToken token) {
		SystemRequestDetails request = new SystemRequestDetails();
		request.getUserData().put(AccessToken.USER_DATA_KEY, token);
		return request;
	}
}
