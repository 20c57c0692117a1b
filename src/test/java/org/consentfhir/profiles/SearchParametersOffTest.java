package org.consentfhir.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.registry.SearchParamRegistryImpl;
import java.net.http.HttpResponse;
import java.util.List;
import javax.sql.DataSource;
import org.consentfhir.storage.StorageProperties;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The search-parameter profile: what is switched off is neither indexed nor searchable, and a site can switch it back on. */
class SearchParametersOffTest extends EndToEndTest {

	@Autowired
	DaoRegistry daoRegistry;

	@Autowired
	IValidationSupport validationSupport;

	@Autowired
	SearchParamRegistryImpl searchParamRegistry;

	@Autowired
	StorageProperties storage;

	@Autowired
	FhirProfilesLoader loader;

	@Autowired
	DataSource dataSource;

	@Test
	void refusesASearchByAParameterSwitchedOffAndKeepsTheOnesClientsUse() {
		String code = unique("code");
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		observation.getCode().addCoding().setSystem("http://loinc.org").setCode(code).setDisplay("Heart rate");
		String id = client.create().resource(observation).execute().getId().getIdPart();

		HttpResponse<String> combo = get("/fhir/Observation?combo-code=http://loinc.org%7C" + code);
		assertThat(combo.statusCode()).isEqualTo(400);
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, combo.body()).getIssueFirstRep().getDiagnostics())
				.contains("combo-code");
		assertThat(ids("Observation?code=http://loinc.org%7C" + code)).containsExactly(id);
		// a coding's display is not indexed a second time for :text; HAPI says so rather than finding nothing
		assertThat(get("/fhir/Observation?code:text=Heart").statusCode()).isEqualTo(405);

		SearchParameter standIn = client.read().resource(SearchParameter.class).withId("off-Observation-combo-code").execute();
		assertThat(standIn.getStatus()).isEqualTo(PublicationStatus.RETIRED);
		assertThat(standIn.getCode()).isEqualTo("combo-code");
		assertThat(standIn.getBase()).extracting(b -> b.getValue()).containsExactly("Observation");
	}

	@Test
	void aSiteSwitchesAParameterBackOn() throws Exception {
		assertThat(get("/fhir/Claim?use=claim").statusCode()).isEqualTo(400);
		try {
			loaderWith(List.of("Claim.use")).run(null);

			assertThat(get("/fhir/SearchParameter/off-Claim-use").statusCode()).isIn(404, 410);
			String patient = client.create().resource(new Patient()).execute().getId().toUnqualifiedVersionless().getValue();
			Claim claim = new Claim().setStatus(Claim.ClaimStatus.ACTIVE).setUse(Claim.Use.PREDETERMINATION)
					.setPatient(new Reference(patient));
			String id = client.create().resource(claim).execute().getId().getIdPart();
			assertThat(ids("Claim?use=predetermination&patient=" + patient)).containsExactly(id);
		} finally {
			int reindexJobs = reindexJobs();
			loader.run(null);
			// switching a parameter off leaves the old rows unread; no reindex runs for it
			assertThat(reindexJobs()).isEqualTo(reindexJobs);
		}
		assertThat(get("/fhir/Claim?use=claim").statusCode()).isEqualTo(400);
	}

	@Test
	void refusesToStartWithAParameterSwitchedOnThatIsNotSwitchedOff() {
		assertThatThrownBy(() -> loaderWith(List.of("Patient.name")).run(null))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Patient.name");
	}

	@Test
	void everyLineOfTheListNamesABuiltInParameter() throws Exception {
		// read() checks each line against the built-in parameters of R4 and fails on the first unknown one
		assertThat(SearchParametersOff.read(FHIR, List.of())).extracting(SearchParametersOff.Off::key)
				.contains("Observation.combo-code", "Claim.provider", "ExplanationOfBenefit.provider")
				.doesNotContain("Observation.code", "Observation.patient", "Claim.patient", "ExplanationOfBenefit.patient");
	}

	private FhirProfilesLoader loaderWith(List<String> switchedOn) {
		StorageProperties changed = new StorageProperties(storage.dataDir(), storage.fulltextEnabled(),
				storage.inlineTextBelowSize(), storage.jdbcBatchSize(), storage.tokenTextIndexed(), switchedOn);
		return new FhirProfilesLoader(FHIR, daoRegistry, validationSupport, searchParamRegistry, changed);
	}

	private int reindexJobs() {
		return new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM bt2_job_instance WHERE definition_id = 'REINDEX'", Integer.class);
	}
}
