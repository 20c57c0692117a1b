package org.consentfhir.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.hl7.fhir.r4.model.Resource;
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
		String profile = read(SearchParameter.class, "patient-abha").getIdElement().getVersionIdPart();

		assertThat(loader.load()).isZero();

		assertThat(read(SearchParameter.class, "patient-abha").getIdElement().getVersionIdPart()).isEqualTo(profile);
	}

	@Test
	void keepsASitesEditOfAnAlertRule() throws Exception {
		ObservationDefinition rule = read(ObservationDefinition.class, "steps");
		String name = rule.getPreferredReportName();
		store(rule.setPreferredReportName("daily steps, as this site calls them"));
		try {
			assertThat(loader.load()).isZero();

			assertThat(read(ObservationDefinition.class, "steps").getPreferredReportName())
					.isEqualTo("daily steps, as this site calls them");
		} finally {
			store(rule.setPreferredReportName(name));
		}
	}

	@Test
	void putsBackAStoredCopyThatDiffersFromTheProject() throws Exception {
		CodeSystem stored = read(CodeSystem.class, "alert-severity");
		String title = stored.getTitle();
		store(stored.setTitle("changed behind the server's back"));

		assertThat(loader.load()).isEqualTo(1);

		assertThat(read(CodeSystem.class, "alert-severity").getTitle()).isEqualTo(title);
		assertThat(read(SearchParameter.class, "patient-abha").getCode()).isEqualTo("abha");
	}

	private <T extends Resource> T read(Class<T> type, String id) {
		return daoRegistry.getResourceDao(type).read(new IdType(type.getSimpleName(), id), new SystemRequestDetails());
	}

	@SuppressWarnings("unchecked")
	private <T extends Resource> void store(T resource) {
		daoRegistry.getResourceDao((Class<T>) resource.getClass()).update(resource, new SystemRequestDetails());
	}
}
