package org.consentfhir.interceptors.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConsentDeciderTest {

	private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
	private static final String DOCTOR = "Practitioner/doc";
	private static final String HOSPITAL = "Organization/hosp";

	private final ConsentDecider optIn = new ConsentDecider(DefaultConsentPolicy.OPT_IN);

	@Test
	void permitsWhatAnActivePermitCovers() {
		Consent permit = consent("c1").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT));

		ConsentDecision decision = optIn.decide(request(Set.of(DOCTOR, HOSPITAL), PurposeOfUse.TREAT), List.of(permit));

		assertThat(decision.permitted()).isTrue();
		assertThat(decision.decidingConsent()).isEqualTo("Consent/c1");
		assertThat(decision.reason()).contains("Consent/c1 permits").contains("TREAT");
	}

	@Test
	void deniesAnotherPurposeOrAnotherActorUnderOptIn() {
		Consent permit = consent("c1").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT));

		assertThat(optIn.decide(request(Set.of(HOSPITAL), PurposeOfUse.HRESCH), List.of(permit)).permitted()).isFalse();
		ConsentDecision otherActor = optIn.decide(request(Set.of("Organization/other"), PurposeOfUse.TREAT), List.of(permit));
		assertThat(otherActor.permitted()).isFalse();
		assertThat(otherActor.decidingConsent()).isNull();
		assertThat(otherActor.reason()).contains("opt-in");
	}

	@Test
	void aNestedDenyOverridesItsParentPermit() {
		ProvisionComponent provision = permitFor(HOSPITAL, PurposeOfUse.TREAT);
		provision.addProvision().setType(ConsentProvisionType.DENY).addClass_(new Coding("http://hl7.org/fhir/resource-types", "Condition", null));
		Consent consent = consent("c1").setProvision(provision);

		assertThat(optIn.decide(request(Set.of(HOSPITAL), PurposeOfUse.TREAT, "Condition"), List.of(consent)).permitted()).isFalse();
		assertThat(optIn.decide(request(Set.of(HOSPITAL), PurposeOfUse.TREAT, "Observation"), List.of(consent)).permitted()).isTrue();
	}

	@Test
	void aDenyInOneConsentOverridesAPermitInAnother() {
		Consent permit = consent("p").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT));
		ProvisionComponent deny = new ProvisionComponent().setType(ConsentProvisionType.DENY);
		deny.addActor().setReference(new Reference(DOCTOR));
		Consent denial = consent("d").setProvision(deny);

		ConsentDecision decision = optIn.decide(request(Set.of(DOCTOR, HOSPITAL), PurposeOfUse.TREAT), List.of(permit, denial));

		assertThat(decision.permitted()).isFalse();
		assertThat(decision.decidingConsent()).isEqualTo("Consent/d");
	}

	@Test
	void ignoresInactiveExpiredAndNotYetValidConsents() {
		Consent inactive = consent("i").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT));
		inactive.setStatus(Consent.ConsentState.INACTIVE);
		Consent expired = consent("e").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT)
				.setPeriod(period(NOW.minus(30, ChronoUnit.DAYS), NOW.minus(1, ChronoUnit.DAYS))));
		Consent future = consent("f").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT)
				.setPeriod(period(NOW.plus(1, ChronoUnit.DAYS), null)));

		assertThat(optIn.decide(request(Set.of(HOSPITAL), PurposeOfUse.TREAT), List.of(inactive, expired, future)).permitted()).isFalse();
	}

	@Test
	void aDataPeriodLimitsWhichRecordsAPermitReaches() {
		Consent recentOnly = consent("r").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT)
				.setDataPeriod(period(Instant.parse("2025-01-01T00:00:00Z"), null)));

		assertThat(optIn.decide(record(Instant.parse("2025-06-01T00:00:00Z")), List.of(recentOnly)).permitted()).isTrue();
		assertThat(optIn.decide(record(Instant.parse("2020-06-01T00:00:00Z")), List.of(recentOnly)).permitted()).isFalse();
	}

	@Test
	void thePatientResourceIsInsideAPermitsDataPeriodAndOutsideADenys() {
		Consent june = consent("j").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT)
				.setDataPeriod(period(Instant.parse("2025-06-01T00:00:00Z"), Instant.parse("2025-06-30T00:00:00Z"))));
		ProvisionComponent notJuly = permitFor(HOSPITAL, PurposeOfUse.TREAT).setType(ConsentProvisionType.DENY)
				.setDataPeriod(period(Instant.parse("2025-07-01T00:00:00Z"), Instant.parse("2025-07-31T00:00:00Z")));
		AccessRequest person = new AccessRequest("p1", Set.of(HOSPITAL), PurposeOfUse.TREAT, "Patient", null, NOW, false);
		AccessRequest undatedRecord = new AccessRequest("p1", Set.of(HOSPITAL), PurposeOfUse.TREAT, "Observation", null, NOW, false);

		assertThat(optIn.decide(person, List.of(june)).permitted()).isTrue();
		assertThat(optIn.decide(undatedRecord, List.of(june)).permitted()).isFalse();
		assertThat(new ConsentDecider(DefaultConsentPolicy.OPT_OUT).decide(person, List.of(consent("d").setProvision(notJuly))).permitted()).isTrue();
	}

	@Test
	void optOutPermitsWhatNoConsentDenies() {
		ConsentDecider optOut = new ConsentDecider(DefaultConsentPolicy.OPT_OUT);
		ProvisionComponent noResearch = new ProvisionComponent().setType(ConsentProvisionType.DENY);
		noResearch.addPurpose(new Coding(PurposeOfUse.SYSTEM, "HRESCH", null));
		Consent consent = consent("n").setProvision(noResearch);

		assertThat(optOut.decide(request(Set.of(HOSPITAL), PurposeOfUse.TREAT), List.of(consent)).permitted()).isTrue();
		assertThat(optOut.decide(request(Set.of(HOSPITAL), PurposeOfUse.HRESCH), List.of(consent)).permitted()).isFalse();
	}

	@Test
	void thePatientAlwaysSeesTheirOwnRecord() {
		AccessRequest self = new AccessRequest("p1", Set.of("Patient/p1"), PurposeOfUse.PATRQT, null, null, NOW, true);

		assertThat(optIn.decide(self, List.of()).permitted()).isTrue();
	}

	@Test
	void aConsentForAnotherPatientOrOutsidePatientPrivacyDoesNotCount() {
		Consent otherPatient = consent("o").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT));
		otherPatient.setPatient(new Reference("Patient/someone-else"));
		Consent research = consent("t").setProvision(permitFor(HOSPITAL, PurposeOfUse.TREAT));
		research.setScope(new CodeableConcept(new Coding(ConsentDecider.SCOPE_SYSTEM, "research", null)));

		assertThat(optIn.decide(request(Set.of(HOSPITAL), PurposeOfUse.TREAT), List.of(otherPatient, research)).permitted()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(PurposeOfUse.class)
	void eachPurposeIsDecidedOnItsOwn(PurposeOfUse purpose) {
		Consent only = consent("c").setProvision(permitFor(HOSPITAL, purpose));

		assertThat(optIn.decide(request(Set.of(HOSPITAL), purpose), List.of(only)).permitted()).isTrue();
		for (PurposeOfUse other : PurposeOfUse.values()) {
			if (other != purpose) {
				assertThat(optIn.decide(request(Set.of(HOSPITAL), other), List.of(only)).permitted()).as(other.code()).isFalse();
			}
		}
		assertThat(PurposeOfUse.of(purpose.code().toLowerCase())).contains(purpose);
	}

	@Test
	void anActiveBreakGlassConsentPermitsItsPractitionerDespiteADenyAndAnyPurpose() {
		Consent deny = consent("deny");
		deny.getProvision().setType(ConsentProvisionType.DENY).addActor().setReference(new Reference(DOCTOR));
		Consent override = BreakGlassConsents.create("p1", DOCTOR, "crash", NOW.minusSeconds(60), NOW.plusSeconds(3600));
		override.setId("Consent/btg");

		ConsentDecision decision = optIn.decide(request(Set.of(DOCTOR), PurposeOfUse.HRESCH), List.of(deny, override));

		assertThat(decision.permitted()).isTrue();
		assertThat(decision.breakGlass()).isTrue();
		assertThat(decision.decidingConsent()).isEqualTo("Consent/btg");
		assertThat(optIn.decide(request(Set.of("Practitioner/other"), PurposeOfUse.TREAT), List.of(override)).permitted()).isFalse();
	}

	@Test
	void anExpiredOrEndedBreakGlassConsentPermitsNothing() {
		Consent expired = BreakGlassConsents.create("p1", DOCTOR, "crash", NOW.minusSeconds(7200), NOW.minusSeconds(1));
		Consent ended = BreakGlassConsents.create("p1", DOCTOR, "crash", NOW.minusSeconds(60), NOW.plusSeconds(3600));
		ended.setStatus(Consent.ConsentState.INACTIVE);

		assertThat(optIn.decide(request(Set.of(DOCTOR), PurposeOfUse.TREAT), List.of(expired, ended)).permitted()).isFalse();
	}

	@Test
	void aRequestWithoutPurposeIsDeniedEvenUnderOptOut() {
		ConsentDecider optOut = new ConsentDecider(DefaultConsentPolicy.OPT_OUT);

		ConsentDecision decision = optOut.decide(request(Set.of(DOCTOR), null), List.of());

		assertThat(decision.permitted()).isFalse();
		assertThat(decision.reason()).contains("no purpose of use");
	}

	private static Consent consent(String id) {
		Consent consent = new Consent();
		consent.setId("Consent/" + id);
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(new Coding(ConsentDecider.SCOPE_SYSTEM, ConsentDecider.PATIENT_PRIVACY, null)));
		consent.setPatient(new Reference("Patient/p1"));
		return consent;
	}

	private static ProvisionComponent permitFor(String actor, PurposeOfUse purpose) {
		ProvisionComponent provision = new ProvisionComponent().setType(ConsentProvisionType.PERMIT);
		provision.addActor().setReference(new Reference(actor));
		provision.addPurpose(new Coding(PurposeOfUse.SYSTEM, purpose.code(), null));
		return provision;
	}

	private static AccessRequest request(Set<String> actors, PurposeOfUse purpose) {
		return request(actors, purpose, null);
	}

	private static AccessRequest request(Set<String> actors, PurposeOfUse purpose, String type) {
		return new AccessRequest("p1", actors, purpose, type, null, NOW, false);
	}

	private static AccessRequest record(Instant recordDate) {
		return new AccessRequest("p1", Set.of(HOSPITAL), PurposeOfUse.TREAT, "Observation", recordDate, NOW, false);
	}

	private static Period period(Instant start, Instant end) {
		Period period = new Period();
		if (start != null) {
			period.setStart(Date.from(start));
		}
		if (end != null) {
			period.setEnd(Date.from(end));
		}
		return period;
	}
}
