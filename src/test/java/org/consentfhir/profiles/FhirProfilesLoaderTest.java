package org.consentfhir.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The conformance resources of fhir-profiles/: a restart writes nothing, a changed stored copy is put back, a site's alert rules stay its own. */
class FhirProfilesLoaderTest extends EndToEndTest {

	@Autowired
	DaoRegistry daoRegistry;

	@Autowired
	FhirProfilesLoader loader;

	@Test
	void aRestartWritesNothing() throws Exception {
		String profile = version("SearchParameter", "patient-abha");

		assertThat(loader.load()).isZero();

		assertThat(version("SearchParameter", "patient-abha")).isEqualTo(profile);
	}

	@Test
	void keepsASitesEditOfAnAlertRule() throws Exception {
		var dao = daoRegistry.getResourceDao(ObservationDefinition.class);
		ObservationDefinition rule = dao.read(new IdType("ObservationDefinition/steps"), new SystemRequestDetails());
		String name = rule.getPreferredReportName();
		rule.setPreferredReportName("daily steps, as this site calls them");
		dao.update(rule, new SystemRequestDetails());
		try {
			assertThat(loader.load()).isZero();

			assertThat(dao.read(new IdType("ObservationDefinition/steps"), new SystemRequestDetails()).getPreferredReportName())
					.isEqualTo("daily steps, as this site calls them");
		} finally {
			dao.update(rule.setPreferredReportName(name), new SystemRequestDetails());
		}
	}

	@Test
	void putsBackAStoredCopyThatDiffersFromTheProject() throws Exception {
		var dao = daoRegistry.getResourceDao(CodeSystem.class);
		CodeSystem stored = dao.read(new IdType("CodeSystem/alert-severity"), new SystemRequestDetails());
		String title = stored.getTitle();
		stored.setTitle("changed behind the server's back");
		dao.update(stored, new SystemRequestDetails());

		assertThat(loader.load()).isEqualTo(1);

		CodeSystem restored = dao.read(new IdType("CodeSystem/alert-severity"), new SystemRequestDetails());
		assertThat(restored.getTitle()).isEqualTo(title);
		assertThat(daoRegistry.getResourceDao(SearchParameter.class)
						.read(new IdType("SearchParameter/patient-abha"), new SystemRequestDetails())
						.getCode())
				.isEqualTo("abha");
	}

	private String version(String type, String id) {
		return daoRegistry.getResourceDao(type)
				.read(new IdType(type, id), new SystemRequestDetails())
				.getIdElement()
				.getVersionIdPart();
	}
}
