package org.consentfhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.consentfhir.testsupport.Clinic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A search of one patient's records runs synchronously in offset pages: nothing goes to HAPI's search
 * tables, every record is reached by following {@code next}, a page whose record is withheld as it is
 * shown keeps its {@code next} link, and a caller whose matches are filtered for them gets neither.
 */
class OnePatientSearchTest extends ClinicTest {

	@Autowired
	JdbcTemplate database;

	@Test
	void aSearchOfOnePatientsRecordsIsAnsweredInOffsetPagesWithoutStoringIt() {
		List<String> stored = List.of(clinic.observation(consenting, code), clinic.observation(consenting, code),
				clinic.observation(consenting, code));

		Bundle first = bundle(getWithToken(query(consenting) + "&_count=2", doctorToken));
		Bundle second = bundle(getWithToken(path(first.getLink(Bundle.LINK_NEXT).getUrl()), doctorToken));

		assertThat(ids(first)).hasSize(2);
		assertThat(first.getLink(Bundle.LINK_NEXT).getUrl()).contains("_offset=2").contains("_count=2");
		assertThat(ids(second)).hasSize(1);
		assertThat(second.getLink(Bundle.LINK_NEXT)).as("the last page").isNull();
		List<String> all = new ArrayList<>(ids(first));
		all.addAll(ids(second));
		assertThat(all).containsExactlyInAnyOrderElementsOf(stored);
		assertThat(storedSearches(code)).as("no row in HAPI's search tables").isZero();
		assertThat(client.search().byUrl("AuditEvent?patient=Patient/" + consenting + "&subtype=search-type&_count=100")
				.returnBundle(Bundle.class).execute().getEntry()).as("each page is on the audit trail").hasSizeGreaterThanOrEqualTo(2);
	}

	@Test
	void aFullPageWhoseRecordIsWithheldWhenShownKeepsItsNextLink() {
		Observation shared = observationOf(consenting);
		shared.addPerformer(new Reference("Patient/" + other));
		clinic.create(shared);
		String own = clinic.observation(consenting, code);

		Bundle first = bundle(getWithToken(query(consenting) + "&_count=1&_sort=_lastUpdated", doctorToken));

		assertThat(ids(first)).as("the record also in the record of a patient who does not permit").isEmpty();
		assertThat(first.getLink(Bundle.LINK_NEXT)).as("the page was full before the record was withheld").isNotNull();
		Bundle second = bundle(getWithToken(path(first.getLink(Bundle.LINK_NEXT).getUrl()), doctorToken));
		assertThat(ids(second)).containsExactly(own);
	}

	@Test
	void aCallerThePatientDoesNotPermitGetsNeitherRecordsNorANextLink() {
		clinic.observation(consenting, code);
		clinic.observation(consenting, code);
		String strangersDoctor = new Clinic(client, baseUrl()).doctorToken();

		Bundle stranger = bundle(getWithToken(query(consenting) + "&_count=1", strangersDoctor));

		assertThat(ids(stranger)).isEmpty();
		assertThat(stranger.getLink(Bundle.LINK_NEXT)).isNull();
		assertThat(storedSearches(code)).as("the stranger's matches were filtered for them and stored for them alone").isEqualTo(1);
	}

	private String query(String patient) {
		return "/fhir/Observation?patient=" + patient + "&code=urn:test:code%7C" + code;
	}

	/** The path and query of a link the server wrote, for {@code getWithToken}. */
	private static String path(String link) {
		URI uri = URI.create(link);
		return uri.getRawPath() + "?" + uri.getRawQuery();
	}

	private int storedSearches(String criterion) {
		return database.queryForObject("select count(*) from hfj_search where search_query_string_vc like ?",
				Integer.class, "%" + criterion + "%");
	}
}
