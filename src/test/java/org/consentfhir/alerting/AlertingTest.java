package org.consentfhir.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.ObservationDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Readings in, DetectedIssue and Flag out, over HTTP with a doctor's token, on H2. */
class AlertingTest extends EndToEndTest {

	private Clinic clinic;
	private String patient;
	private String doctorToken;

	@BeforeEach
	void aConsentingPatient() {
		clinic = new Clinic(client, baseUrl());
		patient = clinic.patient(unique("Vitals"));
		clinic.permit(patient, clinic.organization, PurposeOfUse.TREAT);
		doctorToken = clinic.doctorToken();
	}

	@Test
	void criticalGlucoseRaisesADetectedIssueAndAnActiveFlag() {
		String reading = createAsDoctor(vital(patient, "2339-0", "350", "mg/dL"));

		List<DetectedIssue> issues = search("DetectedIssue?patient=Patient/" + patient, DetectedIssue.class);
		assertThat(issues).hasSize(1);
		DetectedIssue issue = issues.get(0);
		assertThat(issue.getImplicatedFirstRep().getReference()).isEqualTo(reading);
		assertThat(issue.getSeverity()).isEqualTo(DetectedIssue.DetectedIssueSeverity.HIGH);
		assertThat(issue.getDetail()).contains("Critical hyperglycaemia", "350 mg/dL", "above 300", "CRITICAL");
		assertThat(issue.getExtensionByUrl("https://consentfhir.org/fhir/StructureDefinition/alert-severity").getValue().primitiveValue())
				.isEqualTo("CRITICAL");

		List<Flag> flags = search("Flag?patient=Patient/" + patient + "&status=active", Flag.class);
		assertThat(flags).hasSize(1);
		Flag flag = flags.get(0);
		assertThat(flag.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("clinical");
		assertThat(flag.getCode().getCodingFirstRep().getCode()).isEqualTo("blood-glucose-mass/high/300");
		assertThat(flag.getPeriod().hasStart()).isTrue();
	}

	@Test
	void aNormalReadingRaisesNothing() {
		createAsDoctor(vital(patient, "8867-4", "72", "/min"));

		assertThat(search("DetectedIssue?patient=Patient/" + patient, DetectedIssue.class)).isEmpty();
		assertThat(search("Flag?patient=Patient/" + patient, Flag.class)).isEmpty();
	}

	@Test
	void aSecondCrossingUpdatesTheActiveFlagAndAcknowledgingClosesIt() {
		createAsDoctor(vital(patient, "8867-4", "130", "/min"));
		createAsDoctor(vital(patient, "8867-4", "140", "/min"));

		List<Flag> active = search("Flag?patient=Patient/" + patient + "&status=active", Flag.class);
		assertThat(active).hasSize(1);
		assertThat(active.get(0).getCode().getText()).contains("140 /min");
		assertThat(active.get(0).getMeta().getVersionId()).isEqualTo("2");
		assertThat(search("DetectedIssue?patient=Patient/" + patient, DetectedIssue.class)).hasSize(2);

		String flagId = active.get(0).getIdElement().toUnqualifiedVersionless().getValue();
		HttpResponse<String> byNurse = send("POST", "/fhir/" + flagId + "/$acknowledge", "application/fhir+json",
				"{\"resourceType\":\"Parameters\"}", "Authorization", "Bearer " + clinic.nurseToken());
		assertThat(byNurse.statusCode()).as(byNurse.body()).isEqualTo(403);

		HttpResponse<String> byDoctor = send("POST", "/fhir/" + flagId + "/$acknowledge", "application/fhir+json",
				"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"note\",\"valueString\":\"rate control started\"}]}",
				"Authorization", "Bearer " + doctorToken);
		assertThat(byDoctor.statusCode()).as(byDoctor.body()).isEqualTo(200);
		Flag closed = client.read().resource(Flag.class).withId(flagId).execute();
		assertThat(closed.getStatus()).isEqualTo(Flag.FlagStatus.INACTIVE);
		assertThat(closed.getPeriod().hasEnd()).isTrue();
		assertThat(((Reference) closed.getExtensionByUrl(FlagAcknowledgeOperation.ACKNOWLEDGED_BY).getValue()).getReference())
				.isEqualTo(clinic.doctor);
		assertThat(search("Flag?patient=Patient/" + patient + "&status=active", Flag.class)).isEmpty();

		createAsDoctor(vital(patient, "8867-4", "150", "/min"));
		assertThat(search("Flag?patient=Patient/" + patient + "&status=active", Flag.class)).hasSize(1)
				.allSatisfy(f -> assertThat(f.getIdElement().toUnqualifiedVersionless().getValue()).isNotEqualTo(flagId));
	}

	@Test
	void anAdminAcknowledgesAnAlertWithoutSeeingTheRecord() {
		createAsDoctor(vital(patient, "9279-1", "7", "/min"));
		String flagId = search("Flag?patient=Patient/" + patient + "&status=active", Flag.class).get(0)
				.getIdElement().toUnqualifiedVersionless().getValue();
		String adminToken = clinic.userToken("Practitioner/admin", "admin", "user/Device.cruds");

		HttpResponse<String> read = send("GET", "/fhir/" + flagId, null, null, "Authorization", "Bearer " + adminToken);
		HttpResponse<String> acknowledged = send("POST", "/fhir/" + flagId + "/$acknowledge", "application/fhir+json",
				"{\"resourceType\":\"Parameters\"}", "Authorization", "Bearer " + adminToken);

		assertThat(read.statusCode()).isEqualTo(403);
		assertThat(acknowledged.statusCode()).as(acknowledged.body()).isEqualTo(200);
		assertThat(acknowledged.body()).contains("inactive").doesNotContain("Respiratory", "/min");
		assertThat(search("Flag?patient=Patient/" + patient + "&status=active", Flag.class)).isEmpty();
	}

	@Test
	void readingsOfOneTransactionShareTheirFlag() {
		Bundle upload = new Bundle().setType(BundleType.TRANSACTION);
		for (String value : List.of("35", "36", "37")) {
			upload.addEntry().setResource(vital(patient, "59408-5", value, "%")).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
		}
		clientWithToken(doctorToken).transaction().withBundle(upload).execute();

		assertThat(search("DetectedIssue?patient=Patient/" + patient, DetectedIssue.class)).hasSize(3);
		assertThat(search("Flag?patient=Patient/" + patient + "&status=active", Flag.class)).hasSize(1);
	}

	@Test
	void anAlertRollsBackWithItsReading() {
		Bundle upload = new Bundle().setType(BundleType.TRANSACTION);
		upload.addEntry().setResource(vital(patient, "2339-0", "40", "mg/dL")).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
		upload.addEntry().setResource(vital(patient, "2339-0", "41", "mg/dL").setSubject(new Reference("Patient/" + unique("missing"))))
				.getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");

		HttpResponse<String> response = send("POST", "/fhir", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(upload),
				"Authorization", "Bearer " + systemToken);

		assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
		assertThat(search("Observation?subject=Patient/" + patient, Observation.class)).isEmpty();
		assertThat(search("DetectedIssue?patient=Patient/" + patient, DetectedIssue.class)).isEmpty();
		assertThat(search("Flag?patient=Patient/" + patient, Flag.class)).isEmpty();
	}

	@Test
	void aReadingInTheWrongUnitIsRefusedWith422AndNotStored() {
		HttpResponse<String> response = send("POST", "/fhir/Observation", "application/fhir+json",
				FHIR.newJsonParser().encodeResourceToString(vital(patient, "2339-0", "7.5", "mmol/L")),
				"Authorization", "Bearer " + doctorToken);

		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(response.body()).contains("OperationOutcome", "mg/dL", "does not convert");
		assertThat(search("Observation?subject=Patient/" + patient, Observation.class)).isEmpty();
	}

	@Test
	void anAdminEditsTheRulesThroughTheApiAndTheyApplyAtOnce() {
		String code = unique("test-");
		ObservationDefinition rule = new ObservationDefinition();
		rule.getCode().addCoding(new Coding("urn:test:vitals", code, "Test reading"));
		rule.addPermittedDataType(ObservationDefinition.ObservationDataType.QUANTITY);
		rule.getQuantitativeDetails().getUnit().addCoding(new Coding("http://unitsofmeasure.org", "/min", null));
		rule.addQualifiedInterval().setCondition("Test high").setRange(new Range().setHigh(new Quantity().setValue(10)));
		String body = FHIR.newJsonParser().encodeResourceToString(rule);

		HttpResponse<String> byDoctor = send("POST", "/fhir/ObservationDefinition", "application/fhir+json", body,
				"Authorization", "Bearer " + doctorToken);
		assertThat(byDoctor.statusCode()).as(byDoctor.body()).isEqualTo(403);
		HttpResponse<String> byAdmin = send("POST", "/fhir/ObservationDefinition", "application/fhir+json", body,
				"Authorization", "Bearer " + clinic.userToken("Practitioner/admin", "admin", "user/ObservationDefinition.cruds"));
		assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(201);

		Observation reading = vital(patient, "8867-4", "11", "/min");
		reading.getCode().getCodingFirstRep().setSystem("urn:test:vitals").setCode(code);
		createAsDoctor(reading);

		assertThat(search("Flag?patient=Patient/" + patient + "&status=active", Flag.class)).hasSize(1)
				.allSatisfy(f -> assertThat(f.getCode().getCodingFirstRep().getDisplay()).isEqualTo("Test high"));
	}

	@Test
	void alertsAreHiddenFromADoctorThePatientHasNotConsentedTo() {
		String stranger = clinic.patient(unique("Stranger"));
		client.create().resource(vital(stranger, "2339-0", "400", "mg/dL")).execute();
		assertThat(search("Flag?patient=Patient/" + stranger, Flag.class)).hasSize(1);

		HttpResponse<String> asDoctor = send("GET", "/fhir/Flag?patient=Patient/" + stranger, null, null,
				"Authorization", "Bearer " + doctorToken);

		assertThat(asDoctor.statusCode()).isEqualTo(200);
		assertThat(FHIR.newJsonParser().parseResource(Bundle.class, asDoctor.body()).getEntry())
				.noneMatch(e -> e.getResource() instanceof Flag);
	}

	@Test
	void aSubscriberIsNotifiedOfANewAlertWithoutData() throws Exception {
		BlockingQueue<String> notifications = new LinkedBlockingQueue<>();
		HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		hook.createContext("/hook", exchange -> {
			notifications.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes()));
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		hook.start();
		try {
			Subscription subscription = new Subscription().setStatus(Subscription.SubscriptionStatus.REQUESTED)
					.setReason("alerts of my patient").setCriteria("Flag?patient=Patient/" + patient);
			subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK)
					.setEndpoint("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook");
			Subscription withPayload = subscription.copy();
			withPayload.getChannel().setPayload("application/fhir+json");
			HttpResponse<String> refused = send("POST", "/fhir/Subscription", "application/fhir+json",
					FHIR.newJsonParser().encodeResourceToString(withPayload), "Authorization", "Bearer " + doctorToken);
			assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);

			String id = clientWithToken(doctorToken).create().resource(subscription).execute().getId().toUnqualifiedVersionless().getValue();
			awaitActive(id);

			createAsDoctor(vital(patient, "8310-5", "40.1", "Cel"));

			String notification = notifications.poll(30, TimeUnit.SECONDS);
			assertThat(notification).isEqualTo("POST ");
		} finally {
			hook.stop(0);
		}
	}

	private void awaitActive(String subscriptionId) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
		while (Instant.now().isBefore(deadline)) {
			Subscription stored = client.read().resource(Subscription.class).withId(subscriptionId).execute();
			if (stored.getStatus() == Subscription.SubscriptionStatus.ACTIVE) {
				return;
			}
			Thread.sleep(200);
		}
		throw new AssertionError(subscriptionId + " did not become active");
	}

	private String createAsDoctor(Observation reading) {
		HttpResponse<String> response = send("POST", "/fhir/Observation", "application/fhir+json",
				FHIR.newJsonParser().encodeResourceToString(reading), "Authorization", "Bearer " + doctorToken);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return FHIR.newJsonParser().parseResource(Observation.class, response.body()).getIdElement().toUnqualifiedVersionless().getValue();
	}

	private <T extends org.hl7.fhir.r4.model.Resource> List<T> search(String query, Class<T> type) {
		Bundle bundle = client.search().byUrl(query).returnBundle(Bundle.class).execute();
		return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast).toList();
	}

	static Observation vital(String patient, String loinc, String value, String unit) {
		Observation reading = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		reading.addCategory().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", null));
		reading.getCode().addCoding(new Coding("http://loinc.org", loinc, null));
		reading.setSubject(new Reference("Patient/" + patient));
		reading.setEffective(new DateTimeType(java.util.Date.from(Instant.now())));
		reading.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem("http://unitsofmeasure.org").setCode(unit).setUnit(unit));
		return reading;
	}
}
