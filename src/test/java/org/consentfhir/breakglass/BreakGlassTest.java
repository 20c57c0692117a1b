package org.consentfhir.breakglass;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Emergency access: {@code $break-glass}, its use, expiry and early end, and the per-request form. */
class BreakGlassTest extends EndToEndTest {

	private Clinic clinic;
	private String patient;
	private String doctorToken;

	@BeforeEach
	void anUnconsciousPatientWhoHasConsentedToNothing() {
		clinic = new Clinic(client, baseUrl());
		patient = clinic.patient(unique("Unconscious"));
		doctorToken = clinic.doctorToken();
	}

	@Test
	void breakingTheGlassOpensTheRecordUntilItIsEndedAndPutsStartAndEndOnTheRecord() {
		assertThat(read(doctorToken).statusCode()).isEqualTo(403);

		HttpResponse<String> started = breakGlass(doctorToken, "crash victim, unconscious", null);
		assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
		Parameters answer = FHIR.newJsonParser().parseResource(Parameters.class, started.body());
		String consentId = ((Reference) answer.getParameter("consent").getValue()).getReference();

		assertThat(read(doctorToken).statusCode()).isEqualTo(200);
		assertThat(read(clinic.nurseToken()).statusCode()).isEqualTo(403);
		Consent consent = client.read().resource(Consent.class).withId(consentId).execute();
		assertThat(consent.getMeta().getSecurity()).anyMatch(c -> "BTG".equals(c.getCode()));
		assertThat(consent.getProvision().getPurpose()).extracting(c -> c.getCode()).contains("BTG", "ETREAT");
		assertThat(consent.getProvision().getPeriod().getEnd().getTime() - consent.getProvision().getPeriod().getStart().getTime())
				.isEqualTo(2 * 3600 * 1000L);

		HttpResponse<String> ended = post("/fhir/Patient/" + patient + "/$break-glass-end", doctorToken, new Parameters());
		assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
		assertThat(read(doctorToken).statusCode()).isEqualTo(403);

		List<AuditEvent> alerts = securityAlerts();
		assertThat(alerts).anyMatch(e -> hasSubtype(e, "110127") && e.getOutcomeDesc().contains("crash victim")
				&& e.getPurposeOfEvent().stream().anyMatch(p -> "BTG".equals(p.getCodingFirstRep().getCode())));
		assertThat(alerts).anyMatch(e -> hasSubtype(e, "110138"));
		assertThat(alerts).anyMatch(e -> hasSubtype(e, "AuthZ-Consent") && e.getOutcome() == AuditEvent.AuditEventOutcome._0);
	}

	@Test
	void breakingTheGlassRaisesAFlagThePatientCanSee() {
		breakGlass(doctorToken, "emergency", "PT30M");

		HttpResponse<String> flags = get("/fhir/Flag?patient=Patient/" + patient, "Authorization", "Bearer " + clinic.patientToken(patient));

		assertThat(flags.statusCode()).isEqualTo(200);
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, flags.body());
		assertThat(bundle.getEntry()).hasSize(1);
		Flag flag = (Flag) bundle.getEntryFirstRep().getResource();
		assertThat(flag.getStatus()).isEqualTo(Flag.FlagStatus.ACTIVE);
		assertThat(flag.getCode().getText()).contains("emergency").contains(clinic.doctor);
	}

	@Test
	void thePatientsAccessLogShowsTheBreakGlass() {
		breakGlass(doctorToken, "unconscious on arrival", null);
		read(doctorToken);

		HttpResponse<String> log = get("/fhir/Patient/" + patient + "/$access-log", "Authorization", "Bearer " + clinic.patientToken(patient));

		assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
		List<AuditEvent> events = FHIR.newJsonParser().parseResource(Bundle.class, log.body()).getEntry().stream()
				.map(e -> (AuditEvent) e.getResource()).toList();
		assertThat(events).anyMatch(e -> hasSubtype(e, "110127") && e.getOutcomeDesc().contains("unconscious on arrival"));
		assertThat(events).anyMatch(e -> hasSubtype(e, "read")
				&& e.getPurposeOfEvent().stream().anyMatch(p -> "BTG".equals(p.getCodingFirstRep().getCode())));
	}

	@Test
	void theOverrideExpiresOnItsOwn() throws InterruptedException {
		breakGlass(doctorToken, "emergency", "PT1S");
		Thread.sleep(1500);

		assertThat(read(doctorToken).statusCode()).isEqualTo(403);
	}

	@Test
	void breakingTheGlassOverridesADeny() {
		clinic.deny(patient, clinic.doctor);

		breakGlass(doctorToken, "crash", null);

		assertThat(read(doctorToken).statusCode()).isEqualTo(200);
	}

	@Test
	void aDurationOverTheCapIsCutToIt() {
		HttpResponse<String> started = breakGlass(doctorToken, "emergency", "P3D");

		Parameters answer = FHIR.newJsonParser().parseResource(Parameters.class, started.body());
		java.util.Date expires = ((org.hl7.fhir.r4.model.InstantType) answer.getParameter("expires").getValue()).getValue();
		assertThat(expires.getTime() - System.currentTimeMillis()).isLessThanOrEqualTo(12 * 3600 * 1000L);
	}

	@Test
	void onlyDoctorsMayBreakTheGlassAndOnlyWithAReason() {
		assertThat(breakGlass(clinic.nurseToken(), "emergency", null).statusCode()).isEqualTo(403);
		assertThat(breakGlass(doctorToken, " ", null).statusCode()).isEqualTo(400);
		assertThat(breakGlass(doctorToken, "emergency", "two hours").statusCode()).isEqualTo(400);
		assertThat(read(clinic.nurseToken()).statusCode()).isEqualTo(403);
	}

	@Test
	void aSingleRequestMayBreakTheGlassWithAReasonAndIsAudited() {
		HttpResponse<String> emergencyRead = get("/fhir/Patient/" + patient, "Authorization", "Bearer " + doctorToken,
				"X-Purpose-Of-Use", "BTG", "X-Break-Glass-Reason", "cardiac arrest in the ward");

		assertThat(emergencyRead.statusCode()).isEqualTo(200);
		assertThat(read(doctorToken).statusCode()).isEqualTo(403);
		assertThat(securityAlerts()).anyMatch(e -> hasSubtype(e, "110127") && hasSubtype(e, "AuthZ-Consent")
				&& e.getOutcomeDesc().contains("cardiac arrest in the ward")
				&& e.getPurposeOfEvent().stream().anyMatch(p -> PurposeOfUse.BTG.code().equals(p.getCodingFirstRep().getCode())));
		Bundle flags = client.search().byUrl("Flag?patient=Patient/" + patient).returnBundle(Bundle.class).execute();
		assertThat(flags.getEntry()).hasSize(1);
	}

	@Test
	void aSingleRequestBreakTheGlassNeedsAReasonAndADoctor() {
		assertThat(get("/fhir/Patient/" + patient, "Authorization", "Bearer " + doctorToken,
				"X-Purpose-Of-Use", "BTG").statusCode()).isEqualTo(400);
		assertThat(get("/fhir/Patient/" + patient, "Authorization", "Bearer " + clinic.nurseToken(),
				"X-Purpose-Of-Use", "BTG", "X-Break-Glass-Reason", "emergency").statusCode()).isEqualTo(403);
	}

	private HttpResponse<String> read(String token) {
		return getWithToken("/fhir/Patient/" + patient, token);
	}

	private HttpResponse<String> breakGlass(String token, String reason, String duration) {
		Parameters parameters = new Parameters();
		parameters.addParameter("reason", reason);
		if (duration != null) {
			parameters.addParameter("duration", duration);
		}
		return post("/fhir/Patient/" + patient + "/$break-glass", token, parameters);
	}

	private HttpResponse<String> post(String path, String token, Parameters body) {
		return send("POST", path, "application/fhir+json",
				HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(body)),
				new String[] {"Authorization", "Bearer " + token});
	}

	private List<AuditEvent> securityAlerts() {
		Bundle bundle = client.search().byUrl("AuditEvent?patient=Patient/" + patient
				+ "&type=http://dicom.nema.org/resources/ontology/DCM|110113&_count=100").returnBundle(Bundle.class).execute();
		return bundle.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
	}

	private static boolean hasSubtype(AuditEvent event, String code) {
		return event.getSubtype().stream().anyMatch(c -> code.equals(c.getCode()));
	}
}
