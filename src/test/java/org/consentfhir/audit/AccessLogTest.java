package org.consentfhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Patient/{id}/$access-log shows the patient who read their record; nobody else's log. */
class AccessLogTest extends EndToEndTest {

	@Test
	void thePatientSeesWhoReadTheirRecordNewestFirst() {
		String patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		String doctor = issuer().token(baseUrl(), "user/*.rs", c -> c.claim("fhirUser", "Practitioner/dr-log"));
		getWithToken("/fhir/Patient/" + patient, doctor);
		String own = issuer().token(baseUrl(), "patient/*.rs", c -> c.claim("patient", patient).claim("role", "patient")
				.claim("fhirUser", "Patient/" + patient));

		HttpResponse<String> response = getWithToken("/fhir/Patient/" + patient + "/$access-log", own);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle log = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
		assertThat(log.getEntry()).isNotEmpty();
		assertThat(log.getEntry()).map(e -> (AuditEvent) e.getResource())
				.anyMatch(e -> e.getAgent().stream().anyMatch(a -> "Practitioner/dr-log".equals(a.getWho().getIdentifier().getValue())));
		for (int i = 1; i < log.getEntry().size(); i++) {
			assertThat(((AuditEvent) log.getEntry().get(i - 1).getResource()).getRecorded())
					.isAfterOrEqualTo(((AuditEvent) log.getEntry().get(i).getResource()).getRecorded());
		}
	}

	@Test
	void nobodyElsesLog() {
		String patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		String other = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		String own = issuer().token(baseUrl(), "patient/*.rs", c -> c.claim("patient", patient));

		assertThat(getWithToken("/fhir/Patient/" + other + "/$access-log", own).statusCode()).isEqualTo(403);
		assertThat(getWithToken("/fhir/Patient/" + other + "/$access-log", issuer().token(baseUrl(), "user/Patient.rs")).statusCode())
				.isEqualTo(403);
	}
}
