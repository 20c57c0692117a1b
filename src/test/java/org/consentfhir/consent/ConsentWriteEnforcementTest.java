package org.consentfhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Patient consent on what enters a record: single writes, transactions (registrations, placeholders,
 * conditional entries, their responses) and the registration rule, for a doctor of a clinic whose
 * organization one patient ({@code consenting}) permits for treatment and another ({@code other}) does not.
 */
class ConsentWriteEnforcementTest extends ClinicTest {

	@Test
	void writingIntoAHiddenRecordIsForbiddenAndStoresNothing() {
		Observation intoHidden = observationOf(other);
		HttpResponse<String> single = send("POST", "/fhir/Observation", "application/fhir+json",
				HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(intoHidden)),
				new String[] {"Authorization", "Bearer " + doctorToken});

		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(observationOf(consenting)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		transaction.addEntry().setResource(observationOf(other)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		HttpResponse<String> whole = send("POST", "/fhir", "application/fhir+json",
				HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(transaction)),
				new String[] {"Authorization", "Bearer " + doctorToken});

		assertThat(single.statusCode()).isEqualTo(403);
		assertThat(single.body()).contains("for TREAT by ").contains(clinic.organization).contains("(the caller: " + clinic.doctor + " via client ");
		assertThat(whole.statusCode()).isEqualTo(403);
		assertThat(whole.body()).contains("OperationOutcome");
		Bundle stored = client.search().byUrl("Observation?code=" + code).returnBundle(Bundle.class).execute();
		assertThat(stored.getEntry()).isEmpty();
	}

	@Test
	void aRefusedWriteNamesTheCallerAndThePurposeEvenForAClientThatActsForNoOne() {
		String reporting = issuer().token(baseUrl(), "system/*.cruds", c -> c.subject("reporting-engine").claim("client_id", "reporting-engine"));
		HttpResponse<String> refused = send("POST", "/fhir/Observation", "application/fhir+json",
				HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(observationOf(other))),
				new String[] {"Authorization", "Bearer " + reporting, "X-Purpose-Of-Use", "TREAT"});

		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.body())
				.contains("for TREAT by a caller who acts for no Practitioner, Organization or CareTeam of this server")
				.contains("(the caller: reporting-engine via client reporting-engine)")
				.doesNotContain("by  (");
	}

	@Test
	void writingIntoAPermittedRecordWorks() {
		HttpResponse<String> created = send("POST", "/fhir/Observation", "application/fhir+json",
				HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(observationOf(consenting))),
				new String[] {"Authorization", "Bearer " + doctorToken});

		assertThat(created.statusCode()).isEqualTo(201);
	}

	@Test
	void aTransactionIntoPermittedRecordsStoresEveryEntry() {
		String patient = clinic.patient(family);
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int i = 0; i < 3; i++) {
			transaction.addEntry().setResource(observationOf(patient)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		}

		Bundle response = clientWithToken(doctorToken).transaction().withBundle(transaction).execute();

		for (String id : storedIds(response)) {
			assertThat(getWithToken("/fhir/" + id, doctorToken).statusCode()).as(id).isEqualTo(200);
		}
		assertThat(response.getEntry()).hasSize(3);
	}

	@Test
	void aPatientRegisteredByADoctorComesWithATreatmentConsentForTheirOrganization() {
		org.hl7.fhir.r4.model.Patient registered = new org.hl7.fhir.r4.model.Patient();
		registered.addName().setFamily(family);
		String id = clientWithToken(doctorToken).create().resource(registered).execute().getId().getIdPart();

		Bundle consents = client.search().byUrl("Consent?patient=Patient/" + id).returnBundle(Bundle.class).execute();

		assertThat(consents.getEntry()).hasSize(1);
		Consent consent = (Consent) consents.getEntryFirstRep().getResource();
		assertThat(consent.getProvision().getActorFirstRep().getReference().getReference()).isEqualTo(clinic.organization);
		assertThat(getWithToken("/fhir/Patient/" + id, clinic.nurseToken()).statusCode()).isEqualTo(200);
	}

	@Test
	void aDoctorRegistersAPatientWithRecordsInOneTransaction() {
		Bundle registration = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		org.hl7.fhir.r4.model.Patient newborn = new org.hl7.fhir.r4.model.Patient();
		newborn.addName().setFamily(family);
		registration.addEntry().setFullUrl("urn:uuid:6f1c7a52-58f4-4d0e-9a3b-2b7c4d1e0a11").setResource(newborn)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		Observation first = observationOf("x");
		first.setSubject(new Reference("urn:uuid:6f1c7a52-58f4-4d0e-9a3b-2b7c4d1e0a11"));
		registration.addEntry().setResource(first).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		org.hl7.fhir.r4.model.Encounter visit = new org.hl7.fhir.r4.model.Encounter();
		visit.setStatus(org.hl7.fhir.r4.model.Encounter.EncounterStatus.FINISHED);
		visit.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
		visit.setSubject(new Reference("urn:uuid:6f1c7a52-58f4-4d0e-9a3b-2b7c4d1e0a11"));
		registration.addEntry().setFullUrl("urn:uuid:0c2d9e4a-5b6f-4a7e-8d9c-1e2f3a4b5c6d").setResource(visit)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
		// as Synthea writes it: a Provenance whose targets are the transaction's placeholders
		org.hl7.fhir.r4.model.Provenance provenance = new org.hl7.fhir.r4.model.Provenance();
		provenance.addTarget(new Reference("urn:uuid:6f1c7a52-58f4-4d0e-9a3b-2b7c4d1e0a11"));
		provenance.addTarget(new Reference("urn:uuid:0c2d9e4a-5b6f-4a7e-8d9c-1e2f3a4b5c6d"));
		provenance.setRecorded(new Date());
		provenance.addAgent().setWho(new Reference(clinic.doctor));
		registration.addEntry().setResource(provenance).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Provenance");

		Bundle response = clientWithToken(doctorToken).transaction().withBundle(registration).execute();

		String observation = new org.hl7.fhir.r4.model.IdType(response.getEntry().get(1).getResponse().getLocation())
				.toUnqualifiedVersionless().getValue();
		assertThat(getWithToken("/fhir/" + observation, doctorToken).statusCode()).isEqualTo(200);
		for (String stored : storedIds(response)) {
			assertThat(get("/fhir/" + stored).statusCode()).as(stored).isEqualTo(200);
		}
	}

	@Test
	void aLoaderWhoSeesNoRecordStillStoresEveryEntryOfARegistration() {
		String loader = issuer().token(baseUrl(), "system/*.cruds", c -> c.claim("client_id", "untrusted-loader"));
		Bundle registration = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
		patient.addName().setFamily(family);
		registration.addEntry().setFullUrl("urn:uuid:9a8b7c6d-1111-4222-8333-944455556666").setResource(patient)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		Observation reading = observationOf("x");
		reading.setSubject(new Reference("urn:uuid:9a8b7c6d-1111-4222-8333-944455556666"));
		registration.addEntry().setResource(reading).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		Bundle response = clientWithToken(loader).transaction().withBundle(registration).execute();

		for (String stored : storedIds(response)) {
			assertThat(get("/fhir/" + stored).statusCode()).as(stored).isEqualTo(200);
			assertThat(getWithToken("/fhir/" + stored, loader).statusCode()).as(stored).isEqualTo(403);
		}
	}

	@Test
	void aConditionalCreateCannotSmuggleRecordsIntoAnExistingPatient() {
		org.hl7.fhir.r4.model.Patient existing = client.read().resource(org.hl7.fhir.r4.model.Patient.class).withId(other).execute();
		String mrn = unique("mrn");
		existing.addIdentifier().setSystem("urn:test:mrn").setValue(mrn);
		client.update().resource(existing).execute();
		Bundle smuggle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Observation intoOther = observationOf("x");
		intoOther.setSubject(new Reference("urn:uuid:0b6f3f0e-1111-4c3a-9d6e-000000000001"));
		smuggle.addEntry().setResource(intoOther).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		smuggle.addEntry().setFullUrl("urn:uuid:0b6f3f0e-1111-4c3a-9d6e-000000000001")
				.setResource(new org.hl7.fhir.r4.model.Patient())
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient")
				.setIfNoneExist("identifier=urn:test:mrn|" + mrn);

		HttpResponse<String> response = send("POST", "/fhir", "application/fhir+json",
				HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(smuggle)),
				new String[] {"Authorization", "Bearer " + doctorToken});

		// the hidden patient does not match for this doctor, so the entry is a new Patient, which its own
		// criteria refuse (412), as they would with no patient of that MRN at all
		assertThat(response.statusCode()).as(response.body()).isIn(403, 412);
		Bundle stored = client.search().byUrl("Observation?code=" + code + "&subject=Patient/" + other).returnBundle(Bundle.class).execute();
		assertThat(stored.getEntry()).isEmpty();
	}
}
