package org.consentfhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A search of one patient's records that the patient permits as a whole is decided once and run as
 * HAPI runs a trusted client's (synchronously, nothing stored: {@link OnePatientSearchTest}), and that
 * never lets another caller, another patient's record or a record outside a Consent's dates through.
 */
class WholeRecordSearchTest extends ClinicTest {

	@Autowired
	JdbcTemplate database;

	@Test
	void aSearchOfAPermittingPatientIsDecidedOnceAndNotStored() {
		String reading = clinic.observation(consenting, code);
		String query = "/fhir/Observation?patient=" + consenting + "&code=urn:test:code%7C" + code;

		Bundle first = bundle(getWithToken(query, doctorToken));
		Bundle second = bundle(getWithToken(query, doctorToken));

		assertThat(ids(first)).containsExactly(reading);
		assertThat(ids(second)).containsExactly(reading);
		assertThat(storedSearches(code)).as("neither search went to HAPI's search tables").isZero();
	}

	@Test
	void aCallerThePatientDoesNotPermitGetsNothingOfTheSameSearch() {
		clinic.observation(consenting, code);
		String query = "/fhir/Observation?patient=" + consenting + "&code=urn:test:code%7C" + code;
		assertThat(ids(bundle(getWithToken(query, doctorToken)))).hasSize(1);
		String strangersDoctor = new Clinic(client, baseUrl()).doctorToken();

		Bundle stranger = bundle(getWithToken(query, strangersDoctor));

		assertThat(ids(stranger)).isEmpty();
		assertThat(storedSearches(code)).as("the stranger's matches were filtered for them and stored for them alone").isEqualTo(1);
	}

	@Test
	void aRevocationIsSeenByTheNextSearchThoughTheSameSearchIsStored() {
		String patient = clinic.patient(family);
		String consent = clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		clinic.observation(patient, code);
		String query = "/fhir/Observation?patient=" + patient + "&code=urn:test:code%7C" + code;
		assertThat(ids(bundle(getWithToken(query, doctorToken)))).hasSize(1);

		clinic.revoke(consent);

		assertThat(ids(bundle(getWithToken(query, doctorToken)))).isEmpty();
	}

	@Test
	void aConsentLimitedToRecordDatesIsDecidedRecordByRecordEvenRightAfterATrustedClientsSearch() {
		String patient = clinic.patient(family);
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT, c -> c.getProvision()
				.setDataPeriod(Clinic.period(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-12-31T00:00:00Z"))));
		String of2020 = clinic.observation(patient, code, Date.from(Instant.parse("2020-06-01T00:00:00Z")));
		clinic.observation(patient, code, Date.from(Instant.parse("2024-06-01T00:00:00Z")));
		String query = "Observation?patient=" + patient + "&code=urn:test:code%7C" + code;
		assertThat(ids(client.search().byUrl(query).returnBundle(Bundle.class).execute())).hasSize(2);

		Bundle doctors = bundle(getWithToken("/fhir/" + query, doctorToken));

		assertThat(ids(doctors)).containsExactly(of2020);
	}

	@Test
	void aRecordAlsoInTheRecordOfAPatientWhoDoesNotPermitIsLeftOut() {
		String own = clinic.observation(consenting, code);
		Observation shared = observationOf(consenting);
		shared.addPerformer(new Reference("Patient/" + other));
		clinic.create(shared);

		Bundle found = bundle(getWithToken("/fhir/Observation?patient=" + consenting + "&code=urn:test:code%7C" + code, doctorToken));

		assertThat(ids(found)).containsExactly(own);
	}

	@Test
	void aSearchWithARevincludeIsStillFilteredBeforeItIsStored() {
		clinic.observation(consenting, code);
		String query = "/fhir/Observation?patient=" + consenting + "&code=urn:test:code%7C" + code + "&_revinclude=Provenance:target";

		bundle(getWithToken(query, doctorToken));
		bundle(getWithToken(query, doctorToken));

		assertThat(storedSearches(code)).as("each search ran and was filtered on its own").isEqualTo(2);
	}

	private int storedSearches(String criterion) {
		return database.queryForObject("select count(*) from hfj_search where search_query_string_vc like ?",
				Integer.class, "%" + criterion + "%");
	}
}
