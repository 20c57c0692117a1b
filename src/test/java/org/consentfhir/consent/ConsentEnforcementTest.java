package org.consentfhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Patient consent on every path data leaves by (writes: {@link ConsentWriteEnforcementTest}), for a
 * doctor of a clinic whose organization one patient ({@code consenting}) permits for treatment and
 * another ({@code other}) does not.
 */
class ConsentEnforcementTest extends ClinicTest {

	@Test
	void deniesADirectReadWithoutConsentWithAnOperationOutcomeThatSaysWhy() {
		HttpResponse<String> read = getWithToken("/fhir/Patient/" + other, doctorToken);

		assertThat(read.statusCode()).isEqualTo(403);
		assertThat(read.body()).contains("OperationOutcome").contains("no Consent").contains("Patient/" + other)
				.contains("Practitioner/").contains("TREAT");
	}

	@Test
	void permitsTheDoctorThroughTheirOrganizationsTreatmentConsent() {
		String observation = clinic.observation(consenting, code);

		assertThat(getWithToken("/fhir/Patient/" + consenting, doctorToken).statusCode()).isEqualTo(200);
		assertThat(getWithToken("/fhir/" + observation, doctorToken).statusCode()).isEqualTo(200);
		assertThat(getWithToken("/fhir/" + observation + "/_history/1", doctorToken).statusCode()).isEqualTo(200);
	}

	@Test
	void deniesVreadAndHistoryOfAHiddenRecord() {
		String observation = clinic.observation(other, code);

		assertThat(getWithToken("/fhir/" + observation + "/_history/1", doctorToken).statusCode()).isEqualTo(403);
		assertThat(getWithToken("/fhir/" + observation + "/_history", doctorToken).statusCode()).isEqualTo(403);
		Bundle typeHistory = bundle(getWithToken("/fhir/Observation/_history?_count=500", doctorToken));
		assertThat(ids(typeHistory)).doesNotContain(observation);
	}

	@Test
	void aRevocationTakesEffectOnTheNextRequest() {
		String patient = clinic.patient(family);
		String consent = clinic.permit(patient, clinic.doctor, PurposeOfUse.TREAT);
		assertThat(getWithToken("/fhir/Patient/" + patient, doctorToken).statusCode()).isEqualTo(200);

		clinic.revoke(consent);

		assertThat(getWithToken("/fhir/Patient/" + patient, doctorToken).statusCode()).isEqualTo(403);
	}

	@Test
	void anExpiredConsentAndOneNotYetValidPermitNothing() {
		String expired = clinic.patient(family);
		clinic.permit(expired, clinic.doctor, PurposeOfUse.TREAT, c -> c.getProvision().setPeriod(
				Clinic.period(Instant.now().minus(10, ChronoUnit.DAYS), Instant.now().minus(1, ChronoUnit.DAYS))));
		String future = clinic.patient(family);
		clinic.permit(future, clinic.doctor, PurposeOfUse.TREAT, c -> c.getProvision().setPeriod(
				Clinic.period(Instant.now().plus(1, ChronoUnit.DAYS), null)));

		assertThat(getWithToken("/fhir/Patient/" + expired, doctorToken).statusCode()).isEqualTo(403);
		assertThat(getWithToken("/fhir/Patient/" + future, doctorToken).statusCode()).isEqualTo(403);
	}

	@Test
	void aNestedDenyOfOneRecordTypeOverridesThePermit() {
		String patient = clinic.patient(family);
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT, c -> c.getProvision().addProvision()
				.setType(Consent.ConsentProvisionType.DENY)
				.addClass_(new Coding("http://hl7.org/fhir/resource-types", "Observation", null)));
		String observation = clinic.observation(patient, code);

		assertThat(getWithToken("/fhir/Patient/" + patient, doctorToken).statusCode()).isEqualTo(200);
		assertThat(getWithToken("/fhir/" + observation, doctorToken).statusCode()).isEqualTo(403);
	}

	@Test
	void aDenyOfThePatientOverridesTheOrganizationsPermit() {
		clinic.deny(consenting, clinic.doctor);

		assertThat(getWithToken("/fhir/Patient/" + consenting, doctorToken).statusCode()).isEqualTo(403);
		assertThat(getWithToken("/fhir/Patient/" + consenting, clinic.nurseToken()).statusCode()).isEqualTo(200);
	}

	@Test
	void aDataPeriodLimitsWhichRecordsAreShared() {
		String patient = clinic.patient(family);
		Instant now = Instant.now();
		clinic.permit(patient, clinic.doctor, PurposeOfUse.TREAT, c -> c.getProvision()
				.setDataPeriod(Clinic.period(now.minus(30, ChronoUnit.DAYS), null)));
		String recent = clinic.observation(patient, code, Date.from(now.minus(1, ChronoUnit.DAYS)));
		String old = clinic.observation(patient, code, Date.from(now.minus(400, ChronoUnit.DAYS)));

		Bundle found = bundle(getWithToken("/fhir/Observation?code=" + code + "&subject=Patient/" + patient, doctorToken));

		assertThat(ids(found)).containsExactly(recent);
		assertThat(getWithToken("/fhir/" + old, doctorToken).statusCode()).isEqualTo(403);
	}

	@ParameterizedTest
	@EnumSource(value = PurposeOfUse.class, names = {"BTG"}, mode = EnumSource.Mode.EXCLUDE)
	void eachPurposeIsPermittedOnlyWhenAConsentNamesIt(PurposeOfUse purpose) {
		String patient = clinic.patient(family);
		clinic.permit(patient, clinic.doctor, purpose);
		PurposeOfUse another = purpose == PurposeOfUse.TREAT ? PurposeOfUse.HRESCH : PurposeOfUse.TREAT;

		assertThat(get("/fhir/Patient/" + patient, "Authorization", "Bearer " + doctorToken,
				"X-Purpose-Of-Use", purpose.code()).statusCode()).isEqualTo(200);
		assertThat(get("/fhir/Patient/" + patient, "Authorization", "Bearer " + doctorToken,
				"X-Purpose-Of-Use", another.code()).statusCode()).isEqualTo(403);
	}

	@Test
	void anUnknownPurposeIsABadRequest() {
		HttpResponse<String> read = get("/fhir/Patient/" + consenting, "Authorization", "Bearer " + doctorToken,
				"X-Purpose-Of-Use", "FUN");

		assertThat(read.statusCode()).isEqualTo(400);
		assertThat(read.body()).contains("OperationOutcome").contains("X-Purpose-Of-Use");
	}

	@Test
	void aSearchLeavesOutHiddenRecordsAndGivesNoTotal() {
		String visible = clinic.observation(consenting, code);
		String hidden = clinic.observation(other, code);

		Bundle found = bundle(getWithToken("/fhir/Observation?code=" + code, doctorToken));

		assertThat(ids(found)).containsExactly(visible).doesNotContain(hidden);
		assertThat(found.hasTotal()).isFalse();
	}

	@Test
	void laterSearchPagesAreFilteredToo() {
		List<String> visible = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			visible.add(clinic.observation(consenting, code));
			clinic.observation(other, code);
		}
		IGenericClient doctor = clientWithToken(doctorToken);

		List<String> seen = new ArrayList<>();
		Bundle page = doctor.search().byUrl("Observation?code=" + code + "&_count=3&_sort=_id").returnBundle(Bundle.class).execute();
		int pages = 1;
		seen.addAll(ids(page));
		while (page.getLink(Bundle.LINK_NEXT) != null) {
			page = doctor.loadPage().next(page).execute();
			pages++;
			seen.addAll(ids(page));
		}

		assertThat(pages).isGreaterThan(1);
		assertThat(seen).containsExactlyInAnyOrderElementsOf(visible);
	}

	@Test
	void includesRevincludesAndChainsShowOnlyPermittedRecords() {
		String visible = clinic.observation(consenting, code);
		String hidden = clinic.observation(other, code);

		Bundle revincluded = bundle(getWithToken("/fhir/Patient?family=" + family
				+ "&_revinclude=Observation:subject", doctorToken));
		Bundle included = bundle(getWithToken("/fhir/Observation?code=" + code + "&_include=Observation:subject", doctorToken));
		Bundle chained = bundle(getWithToken("/fhir/Observation?subject:Patient.family=" + family, doctorToken));

		assertThat(ids(revincluded)).contains("Patient/" + consenting, visible).doesNotContain("Patient/" + other, hidden);
		assertThat(ids(included)).containsExactlyInAnyOrder(visible, "Patient/" + consenting);
		assertThat(ids(chained)).containsExactly(visible);
	}

	@Test
	void everythingIsForbiddenForAHiddenPatientAndFilteredForAPermittedOne() {
		String visible = clinic.observation(consenting, code);

		HttpResponse<String> hidden = getWithToken("/fhir/Patient/" + other + "/$everything", doctorToken);
		Bundle everything = bundle(getWithToken("/fhir/Patient/" + consenting + "/$everything", doctorToken));

		assertThat(hidden.statusCode()).isEqualTo(403);
		assertThat(ids(everything)).contains("Patient/" + consenting, visible);
	}

	@Test
	void batchReadsAreCheckedEntryByEntry() {
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + consenting);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + other);

		Bundle response = clientWithToken(doctorToken).transaction().withBundle(batch).execute();

		assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("200");
		assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("403");
	}

	@Test
	void aSearchAnsweredFromAnotherCallersStoredResultsIsFilteredForThisCaller() {
		String visible = clinic.observation(consenting, code);
		String hidden = clinic.observation(other, code);
		Clinic elsewhere = new Clinic(client, baseUrl());
		String strangerToken = elsewhere.doctorToken();

		Bundle first = bundle(getWithToken("/fhir/Observation?code=" + code, doctorToken));
		Bundle second = bundle(getWithToken("/fhir/Observation?code=" + code, strangerToken));
		Bundle third = bundle(getWithToken("/fhir/Observation?code=" + code, doctorToken));

		assertThat(ids(first)).containsExactly(visible);
		assertThat(ids(second)).isEmpty();
		assertThat(ids(third)).containsExactly(visible).doesNotContain(hidden);
	}

	@Test
	void thePatientAlwaysSeesTheirOwnRecord() {
		String observation = clinic.observation(other, code);

		HttpResponse<String> own = getWithToken("/fhir/" + observation, clinic.patientToken(other));

		assertThat(own.statusCode()).isEqualTo(200);
	}

	@Test
	void aDenialIsOnTheAuditTrailAsAnAuthZConsentEvent() {
		getWithToken("/fhir/Patient/" + other, doctorToken);

		Bundle alerts = client.search().byUrl("AuditEvent?patient=Patient/" + other
				+ "&type=http://dicom.nema.org/resources/ontology/DCM|110113").returnBundle(Bundle.class).execute();

		assertThat(alerts.getEntry()).isNotEmpty();
		org.hl7.fhir.r4.model.AuditEvent event = (org.hl7.fhir.r4.model.AuditEvent) alerts.getEntryFirstRep().getResource();
		assertThat(event.getSubtype()).anyMatch(c -> "AuthZ-Consent".equals(c.getCode()));
		assertThat(event.getOutcome().toCode()).isEqualTo("4");
		assertThat(event.getOutcomeDesc()).contains("opt-in");
		assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");
	}

	@Test
	void aReadIsAuditedWithItsPurposeOfUse() {
		get("/fhir/Patient/" + consenting, "Authorization", "Bearer " + doctorToken);

		Bundle reads = client.search().byUrl("AuditEvent?patient=Patient/" + consenting + "&subtype=read")
				.returnBundle(Bundle.class).execute();

		assertThat(reads.getEntry()).anyMatch(e -> ((org.hl7.fhir.r4.model.AuditEvent) e.getResource())
				.getPurposeOfEvent().stream().anyMatch(p -> "TREAT".equals(p.getCodingFirstRep().getCode())));
	}
}
