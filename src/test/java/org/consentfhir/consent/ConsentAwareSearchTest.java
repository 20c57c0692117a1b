package org.consentfhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Searches by a caller who may see only some of the patients they match: pages are full, paging
 * reaches every permitted match and stops there, and no page, link, count, sort order or error says
 * anything of the patients hidden from the caller.
 */
class ConsentAwareSearchTest extends ClinicTest {

	private static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";

	@org.springframework.beans.factory.annotation.Autowired
	org.springframework.jdbc.core.JdbcTemplate database;

	@Test
	void pagesAreFullWhenPermittedMatchesAreSpreadAmongHiddenOnes() {
		String spread = unique("Spread");
		List<String> permitted = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			String patient = clinic.patient(spread);
			if (i % 3 == 0) {
				clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
				permitted.add("Patient/" + patient);
			}
		}

		List<Bundle> pages = allPages(clientWithToken(doctorToken), "Patient?family=" + spread + "&_count=3&_sort=_id");

		assertThat(pages).hasSize(2);
		assertThat(ids(pages.get(0))).hasSize(3);
		assertThat(ids(pages.get(1))).hasSize(1);
		assertThat(pages.stream().flatMap(page -> ids(page).stream()).toList()).containsExactlyInAnyOrderElementsOf(permitted);
		assertThat(pages).allSatisfy(page -> assertThat(page.hasTotal()).isFalse());
	}

	@Test
	void aPatientSearchIsNarrowedInTheQueryToThePatientsWhoMayAdmitTheCaller() {
		String crowd = unique("Crowd");
		for (int i = 0; i < 6; i++) {
			clinic.patient(crowd);
		}
		String admitted = clinic.patient(crowd);
		clinic.permit(admitted, clinic.organization, PurposeOfUse.TREAT);

		Bundle found = bundle(getWithToken("/fhir/Patient?family=" + crowd, doctorToken));

		assertThat(ids(found)).containsExactly("Patient/" + admitted);
		// HAPI counts the matches its consent check turned away: narrowed, the query never found the six
		assertThat(database.queryForList("select num_blocked from hfj_search where search_query_string_vc like ?",
				Integer.class, "%" + crowd + "%")).containsExactly(0);
	}

	@Test
	void narrowingKeepsPatientsWhoseConsentNamesNoActorOrWhoseEmergencyAccessIsOpen() {
		String wide = unique("Wide");
		String forEveryone = clinic.patient(wide);
		clinic.create(org.consentfhir.testsupport.Clinic.consent(forEveryone,
				org.hl7.fhir.r4.model.Consent.ConsentProvisionType.PERMIT, null, PurposeOfUse.TREAT));
		String emergency = clinic.patient(wide);
		clinic.patient(wide);
		HttpResponse<String> brokenGlass = send("POST", "/fhir/Patient/" + emergency + "/$break-glass", "application/fhir+json",
				"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"reason\",\"valueString\":\"unconscious in the ED\"}]}",
				"Authorization", "Bearer " + doctorToken);

		Bundle found = bundle(getWithToken("/fhir/Patient?family=" + wide, doctorToken));

		assertThat(brokenGlass.statusCode()).as(brokenGlass.body()).isBetween(200, 201);
		assertThat(ids(found)).containsExactlyInAnyOrder("Patient/" + forEveryone, "Patient/" + emergency);
	}

	@Test
	void aRevocationTakesEffectOnTheNextPage() {
		String revoked = unique("Revoked");
		Map<String, String> consents = new HashMap<>();
		for (int i = 0; i < 4; i++) {
			String patient = clinic.patient(revoked);
			consents.put("Patient/" + patient, clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT));
		}
		IGenericClient doctor = clientWithToken(doctorToken);
		Bundle first = doctor.search().byUrl("Patient?family=" + revoked + "&_count=2&_sort=_id").returnBundle(Bundle.class).execute();
		List<String> onTheNextPage = consents.keySet().stream().filter(p -> !ids(first).contains(p)).toList();

		onTheNextPage.forEach(patient -> clinic.revoke(consents.get(patient)));
		Bundle next = doctor.loadPage().next(first).execute();

		assertThat(ids(first)).hasSize(2);
		assertThat(ids(next)).doesNotContainAnyElementsOf(onTheNextPage);
	}

	@Test
	void reverseChainingDoesNotRevealARecordTheCallerMayNotSee() {
		String secret = unique("secret");
		String onlyDemographics = clinic.patient(family);
		clinic.permit(onlyDemographics, clinic.organization, PurposeOfUse.TREAT,
				c -> c.getProvision().addClass_(new Coding(RESOURCE_TYPES, "Patient", null)));
		clinic.observation(onlyDemographics, secret);
		clinic.observation(other, secret);
		clinic.observation(consenting, secret);

		Bundle found = bundle(getWithToken("/fhir/Patient?_has:Observation:patient:code=" + secret, doctorToken));

		assertThat(getWithToken("/fhir/Patient/" + onlyDemographics, doctorToken).statusCode()).isEqualTo(200);
		assertThat(ids(found)).containsExactly("Patient/" + consenting);
	}

	@Test
	void aChainDoesNotRevealAnElementOfARecordTheCallerMayNotSee() {
		String secretFamily = unique("Secret");
		String observationsOnly = clinic.patient(secretFamily);
		clinic.permit(observationsOnly, clinic.organization, PurposeOfUse.TREAT,
				c -> c.getProvision().addClass_(new Coding(RESOURCE_TYPES, "Observation", null)));
		String reading = clinic.observation(observationsOnly, code);
		String shared = clinic.observation(consenting, code);

		Bundle chained = bundle(getWithToken("/fhir/Observation?subject:Patient.family=" + secretFamily, doctorToken));

		assertThat(getWithToken("/fhir/" + reading, doctorToken).statusCode()).isEqualTo(200);
		assertThat(getWithToken("/fhir/Patient/" + observationsOnly, doctorToken).statusCode()).isEqualTo(403);
		assertThat(ids(chained)).isEmpty();
		assertThat(ids(bundle(getWithToken("/fhir/Observation?subject:Patient.family=" + family, doctorToken))))
				.as("a chain into a patient the caller may see").containsExactly(shared);
	}

	@Test
	void sortingPutsOnlyVisiblePatientsInOrder() {
		String sorted = unique("Sorted");
		String hiddenEldest = clinic.create(person(sorted, "1931-01-01"));
		String visibleElder = clinic.create(person(sorted, "1951-01-01"));
		String visibleYounger = clinic.create(person(sorted, "1971-01-01"));
		clinic.permit(idPart(visibleElder), clinic.organization, PurposeOfUse.TREAT);
		clinic.permit(idPart(visibleYounger), clinic.organization, PurposeOfUse.TREAT);

		Bundle eldestFirst = bundle(getWithToken("/fhir/Patient?family=" + sorted + "&_sort=birthdate&_count=1", doctorToken));
		Bundle youngestFirst = bundle(getWithToken("/fhir/Patient?family=" + sorted + "&_sort=-birthdate&_count=5", doctorToken));

		assertThat(ids(eldestFirst)).containsExactly(visibleElder);
		assertThat(ids(youngestFirst)).containsExactly(visibleYounger, visibleElder).doesNotContain(hiddenEldest);
	}

	@Test
	void summariesAndElementsShowOnlyVisiblePatientsAndNoCount() {
		Bundle summary = bundle(getWithToken("/fhir/Patient?family=" + family + "&_summary=true", doctorToken));
		Bundle elements = bundle(getWithToken("/fhir/Patient?family=" + family + "&_elements=id", doctorToken));
		HttpResponse<String> count = getWithToken("/fhir/Patient?family=" + family + "&_summary=count", doctorToken);
		HttpResponse<String> total = getWithToken("/fhir/Patient?family=" + family + "&_total=accurate", doctorToken);

		assertThat(ids(summary)).containsExactly("Patient/" + consenting);
		assertThat(ids(elements)).containsExactly("Patient/" + consenting);
		assertThat(summary.hasTotal()).isFalse();
		assertThat(elements.hasTotal()).isFalse();
		assertThat(count.statusCode()).isNotEqualTo(200);
		assertThat(count.body()).contains("OperationOutcome").doesNotContain("\"total\"");
		assertThat(total.statusCode()).isNotEqualTo(200);
	}

	@Test
	void aSearchMatchingOnlyHiddenPatientsLooksLikeOneMatchingNobody() {
		String hiddenOnly = unique("HiddenOnly");
		String nobody = unique("NobodyAt");
		for (int i = 0; i < 3; i++) {
			clinic.patient(hiddenOnly);
		}

		HttpResponse<String> ofHidden = getWithToken("/fhir/Patient?family=" + hiddenOnly + "&_count=2", doctorToken);
		HttpResponse<String> ofNobody = getWithToken("/fhir/Patient?family=" + nobody + "&_count=2", doctorToken);

		assertThat(ofHidden.statusCode()).isEqualTo(ofNobody.statusCode()).isEqualTo(200);
		assertThat(withoutVolatileParts(ofHidden.body(), hiddenOnly)).isEqualTo(withoutVolatileParts(ofNobody.body(), nobody));
	}

	@Test
	void aHiddenRecordAndOneThatDoesNotExistAnswerTheSame() {
		String hiddenReading = clinic.observation(other, code);
		String missingPatient = "999" + Math.abs(unique("").hashCode());
		String missingReading = "Observation/" + missingPatient;

		for (String[] paths : new String[][] {
				{"/fhir/Patient/" + other, "/fhir/Patient/" + missingPatient},
				{"/fhir/" + hiddenReading, "/fhir/" + missingReading},
				{"/fhir/" + hiddenReading + "/_history/1", "/fhir/" + missingReading + "/_history/1"},
				{"/fhir/" + hiddenReading + "/_history", "/fhir/" + missingReading + "/_history"},
				{"/fhir/Patient/" + other + "/$everything", "/fhir/Patient/" + missingPatient + "/$everything"}}) {
			HttpResponse<String> hidden = getWithToken(paths[0], doctorToken);
			HttpResponse<String> missing = getWithToken(paths[1], doctorToken);

			assertThat(hidden.statusCode()).as(paths[0] + ": " + hidden.body()).isEqualTo(missing.statusCode());
			assertThat(hidden.body().replace(idPart(paths[0]), "ID")).as(paths[0])
					.isEqualTo(missing.body().replace(idPart(paths[1]), "ID"));
		}
	}

	private static Patient person(String family, String birthDate) {
		return new Patient().addName(new HumanName().setFamily(family)).setBirthDateElement(new DateType(birthDate));
	}

	private static List<Bundle> allPages(IGenericClient caller, String query) {
		List<Bundle> pages = new ArrayList<>();
		Bundle page = caller.search().byUrl(query).returnBundle(Bundle.class).execute();
		pages.add(page);
		while (page.getLink(Bundle.LINK_NEXT) != null && pages.size() < 20) {
			page = caller.loadPage().next(page).execute();
			pages.add(page);
		}
		return pages;
	}

	/** The id of {@code Type/id} or of a path naming a resource ({@code /fhir/Type/id/...}). */
	private static String idPart(String path) {
		String[] segments = path.replaceFirst("^/fhir/", "").split("/");
		return segments[1];
	}

	/** A search result without what differs between any two responses: its id, time, paging ids and the searched name. */
	private static String withoutVolatileParts(String body, String searched) {
		return body.replace(searched, "NAME")
				.replaceAll("\"id\"\\s*:\\s*\"[^\"]*\"", "\"id\":\"ID\"")
				.replaceAll("\"lastUpdated\"\\s*:\\s*\"[^\"]*\"", "\"lastUpdated\":\"T\"")
				.replaceAll("_getpages=[^&\"]*", "_getpages=P");
	}
}
