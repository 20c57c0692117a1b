package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on who may write a Consent: staff granting themselves access. The patient {@code hidden}
 * has no Consent for the clinic; its doctor is refused a read of their record.
 */
class ConsentAuthorshipAttacksTest extends EndToEndTest {

	private Clinic clinic;
	private String hidden;
	private String doctor;

	@BeforeEach
	void aPatientWhoPermitsNobody() {
		clinic = new Clinic(client, baseUrl());
		hidden = clinic.patient(unique("Hidden"));
		doctor = clinic.doctorToken();
	}

	@Test
	void aDoctorRefusedARecordCannotGrantHimselfAccess() {
		assertThat(getWithToken("/fhir/Patient/" + hidden, doctor).statusCode()).isEqualTo(403);

		HttpResponse<String> grant = post(Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, clinic.doctor, PurposeOfUse.TREAT), doctor);

		assertThat(grant.statusCode()).as(grant.body()).isEqualTo(403);
		assertThat(getWithToken("/fhir/Patient/" + hidden, doctor).statusCode()).isEqualTo(403);
	}

	@Test
	void aNurseCannotGrantHerOrganizationAccessEvenWithAScannedForm() {
		Consent grant = withEvidence(Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, clinic.organization, PurposeOfUse.TREAT));

		HttpResponse<String> answer = post(grant, clinic.nurseToken());

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
		assertThat(getWithToken("/fhir/Patient/" + hidden, clinic.nurseToken()).statusCode()).isEqualTo(403);
	}

	@Test
	void theRegistrationDeskRecordsAConsentWithEvidenceButNeverForItself() {
		String desk = clinic.create(new Practitioner());
		clinic.create(new PractitionerRole().setActive(true).setPractitioner(new Reference(desk)).setOrganization(new Reference(clinic.organization)));
		String registrar = clinic.userToken(desk, "registrar", "user/Consent.crus user/Patient.crus");
		String otherClinic = clinic.create(new Organization().setName(unique("Other clinic")));

		HttpResponse<String> withoutEvidence = post(Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, otherClinic, PurposeOfUse.TREAT), registrar);
		HttpResponse<String> forItsOwnClinic = post(withEvidence(
				Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, clinic.organization, PurposeOfUse.TREAT)), registrar);
		Consent blanket = withEvidence(Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, null, PurposeOfUse.TREAT));
		HttpResponse<String> permittingEveryone = post(blanket, registrar);
		HttpResponse<String> forItselfByVersion = post(withEvidence(
				Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, desk + "/_history/1", PurposeOfUse.TREAT)), registrar);
		HttpResponse<String> recorded = post(withEvidence(
				Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, otherClinic, PurposeOfUse.TREAT)), registrar);

		assertThat(withoutEvidence.statusCode()).as(withoutEvidence.body()).isEqualTo(403);
		assertThat(forItsOwnClinic.statusCode()).as(forItsOwnClinic.body()).isEqualTo(403);
		assertThat(permittingEveryone.statusCode()).as(permittingEveryone.body()).isEqualTo(403);
		assertThat(forItselfByVersion.statusCode()).as(forItselfByVersion.body()).isEqualTo(403);
		assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
		Bundle log = bundle(getWithToken("/fhir/Patient/" + hidden + "/$access-log", clinic.patientToken(hidden)));
		assertThat(log.getEntry()).as(FHIR.newJsonParser().encodeResourceToString(log)).anyMatch(e -> ((AuditEvent) e.getResource()).getEntity().stream()
				.anyMatch(entity -> entity.getWhat().getIdentifier().getValue() != null
						&& entity.getWhat().getIdentifier().getValue().startsWith("Consent/")));
	}

	@Test
	void thePatientAndTheirRepresentativeGrantAndRevoke() {
		String mother = clinic.create(new RelatedPerson().setPatient(new Reference("Patient/" + hidden)).setActive(true));
		String representative = clinic.userToken(mother, null, "user/Consent.crus");
		String stranger = clinic.create(new RelatedPerson().setPatient(new Reference("Patient/" + clinic.patient(unique("Else")))));

		HttpResponse<String> byThePatient = post(Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, clinic.organization, PurposeOfUse.TREAT),
				clinic.patientToken(hidden));
		HttpResponse<String> byTheRepresentative = post(Clinic.consent(hidden, Consent.ConsentProvisionType.DENY, clinic.nurse, null), representative);
		HttpResponse<String> byAStranger = post(Clinic.consent(hidden, Consent.ConsentProvisionType.PERMIT, clinic.nurse, PurposeOfUse.TREAT),
				clinic.userToken(stranger, null, "user/Consent.crus"));

		assertThat(byThePatient.statusCode()).as(byThePatient.body()).isEqualTo(201);
		assertThat(byTheRepresentative.statusCode()).as(byTheRepresentative.body()).isEqualTo(201);
		assertThat(byAStranger.statusCode()).as(byAStranger.body()).isEqualTo(403);
	}

	private static Consent withEvidence(Consent consent) {
		consent.setSource(new Attachment().setContentType("application/pdf").setTitle("signed consent form").setData(new byte[] {37, 80, 68, 70}));
		return consent;
	}

	private HttpResponse<String> post(Consent consent, String token) {
		return send("POST", "/fhir/Consent", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(consent),
				"Authorization", "Bearer " + token);
	}

	private static Bundle bundle(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
	}
}
