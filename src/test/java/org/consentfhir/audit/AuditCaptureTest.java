package org.consentfhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every read, search and write of patient data leaves an AuditEvent (IHE BALP) naming the user
 * (fhirUser), the client, the network address and the patient, stored before the response.
 */
class AuditCaptureTest extends EndToEndTest {

	private String patient;
	private IGenericClient doctor;
	private Clinic clinic;

	@BeforeEach
	void aPatientAndADoctor() {
		clinic = new Clinic(client, baseUrl());
		patient = clinic.patient("Audited");
		clinic.permit(patient, clinic.doctor, PurposeOfUse.TREAT);
		doctor = clientWithToken(clinic.doctorToken());
	}

	@Test
	void aReadIsOnTheRecordWithWhoFromWhereAndWhichPatient() {
		doctor.read().resource(Patient.class).withId(patient).execute();

		AuditEvent read = eventsFor(patient).stream()
				.filter(e -> e.getSubtypeFirstRep().getCode().equals("read"))
				.filter(e -> e.getAgent().stream().anyMatch(a -> clinic.doctor.equals(a.getWho().getIdentifier().getValue())))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no read AuditEvent for Patient/" + patient));

		assertThat(read.getMeta().getProfile()).anyMatch(p -> p.getValue().contains("PatientRead"));
		assertThat(read.getAgent()).anyMatch(a -> "ehr-app".equals(a.getWho().getIdentifier().getValue()));
		assertThat(read.getAgent()).anyMatch(a -> "127.0.0.1".equals(a.getNetwork().getAddress()));
		assertThat(read.getAgent()).anyMatch(a -> a.getWho().getExtensionByUrl(
				org.consentfhir.interceptors.audit.TokenAuditContext.USER_AGENT_EXTENSION) != null);
		assertThat(read.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
	}

	@Test
	void aSearchAndAWriteAreOnTheRecordToo() {
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("Patient/" + patient));
		observation.getCode().setText("pulse");
		doctor.create().resource(observation).execute();
		doctor.search().byUrl("Observation?patient=" + patient).returnBundle(Bundle.class).execute();

		List<AuditEvent> events = eventsFor(patient);

		assertThat(events).anyMatch(e -> e.getAction() == AuditEvent.AuditEventAction.C);
		assertThat(events).anyMatch(e -> e.getSubtypeFirstRep().getCode().equals("search-type"));
	}

	@Test
	void aRecordShownByAnOperationIsOnTheRecord() {
		doctor.operation().onInstance("Patient/" + patient).named("$everything").withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
				.useHttpGet().returnResourceType(Bundle.class).execute();

		AuditEvent everything = eventsFor(patient).stream()
				.filter(e -> e.getSubtypeFirstRep().getCode().equals("operation"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no operation AuditEvent for Patient/" + patient));

		assertThat(everything.getEntity()).anyMatch(e -> "$everything".equals(e.getDescription()));
		assertThat(everything.getAgent()).anyMatch(a -> clinic.doctor.equals(a.getWho().getIdentifier().getValue()));
		assertThat(everything.getPurposeOfEvent()).anyMatch(p -> p.getCodingFirstRep().getCode().equals("TREAT"));
	}

	@Test
	void aDeleteIsOnTheRecord() {
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("Patient/" + patient));
		observation.getCode().setText("temperature");
		String id = doctor.create().resource(observation).execute().getId().toUnqualifiedVersionless().getValue();

		doctor.delete().resourceById(new org.hl7.fhir.r4.model.IdType(id)).execute();

		assertThat(eventsFor(patient)).anyMatch(e -> e.getAction() == AuditEvent.AuditEventAction.D);
	}

	@Test
	void aTransactionLeavesOneEventPerPatientListingEveryRecord() {
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int i = 0; i < 3; i++) {
			Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("Patient/" + patient));
			observation.getCode().setText("reading " + i);
			transaction.addEntry().setResource(observation).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		}
		Bundle response = doctor.transaction().withBundle(transaction).execute();

		List<AuditEvent> creates = eventsFor(patient).stream()
				.filter(e -> e.getAction() == AuditEvent.AuditEventAction.C)
				.filter(e -> e.getAgent().stream().anyMatch(a -> clinic.doctor.equals(a.getWho().getIdentifier().getValue())))
				.toList();

		assertThat(creates).hasSize(1);
		List<String> recorded = creates.get(0).getEntity().stream().map(e -> e.getWhat().getIdentifier().getValue())
				.filter(java.util.Objects::nonNull).toList();
		response.getEntry().forEach(entry -> assertThat(recorded).anyMatch(r -> r.startsWith(
				new org.hl7.fhir.r4.model.IdType(entry.getResponse().getLocation()).toUnqualifiedVersionless().getValue())));
	}

	private List<AuditEvent> eventsFor(String patientId) {
		return client.search().byUrl("AuditEvent?patient=Patient/" + patientId + "&_count=100").returnBundle(Bundle.class).execute()
				.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
	}
}
