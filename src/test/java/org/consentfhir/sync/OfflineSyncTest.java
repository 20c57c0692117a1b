package org.consentfhir.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.OAuth;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A device that was offline uploads its backlog: idempotent replays, duplicates, checksums, the device's limits. */
class OfflineSyncTest extends EndToEndTest {

	private static final String SEQUENCE_SYSTEM = "urn:test:device-sequence";

	private Clinic clinic;
	private String patient;
	private String device;
	private String deviceToken;
	private Instant start;

	@BeforeEach
	void aMonitorAssignedToAPatient() {
		clinic = new Clinic(client, baseUrl());
		patient = clinic.patient(unique("Sync"));
		Device monitor = new Device().setStatus(Device.FHIRDeviceStatus.ACTIVE).setPatient(new Reference("Patient/" + patient));
		monitor.addIdentifier().setSystem("urn:test:serial").setValue(unique("sn-"));
		device = clinic.create(monitor);
		deviceToken = deviceToken(device);
		start = Instant.now().minusSeconds(100_000);
	}

	@Test
	void aReplayedUploadStoresNothingNewAndAnswersWithTheSameReadings() {
		Bundle upload = backlog(20, true);
		String body = json(upload);

		Bundle first = post(body, deviceToken);
		Bundle second = post(body, deviceToken);

		assertThat(statuses(first)).containsOnly("201 Created");
		assertThat(statuses(second)).containsOnly("200 OK");
		assertThat(locations(second)).isEqualTo(locations(first));
		assertThat(count("Observation?subject=Patient/" + patient)).isEqualTo(20);
		assertThat(count("DetectedIssue?patient=Patient/" + patient)).isEqualTo(5);
	}

	@Test
	void readingsWithoutIdentifierAreStoredOnceWhetherRepeatedInOneUploadOrAcrossUploads() {
		Bundle upload = backlog(6, false);
		upload.addEntry(upload.getEntry().get(0).copy()); // the same reading twice in one upload

		Bundle first = post(json(upload), deviceToken);
		Bundle replay = post(json(backlog(6, false)), deviceToken);

		assertThat(first.getEntry()).hasSize(7).as("one response entry per request entry");
		assertThat(first.getEntry().get(6).getResponse().getStatus()).isEqualTo("200 OK");
		assertThat(first.getEntry().get(6).getResponse().getLocation()).isEqualTo(first.getEntry().get(0).getResponse().getLocation());

		assertThat(statuses(replay)).containsOnly("200 OK");
		assertThat(count("Observation?subject=Patient/" + patient)).isEqualTo(6);
		Bundle oneMore = backlog(6, false);
		((Quantity) ((Observation) oneMore.getEntry().get(0).getResource()).getValue()).setValue(new BigDecimal("81"));
		post(json(oneMore), deviceToken);
		assertThat(count("Observation?subject=Patient/" + patient)).isEqualTo(7);
	}

	@Test
	void aPlainPostOfTheSameReadingTwiceIsStoredOnce() {
		String reading = json(reading(0, "72", false));

		HttpResponse<String> first = send("POST", "/fhir/Observation", "application/fhir+json", reading, "Authorization", "Bearer " + deviceToken);
		HttpResponse<String> second = send("POST", "/fhir/Observation", "application/fhir+json", reading, "Authorization", "Bearer " + deviceToken);

		assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
		assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
		assertThat(second.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
		assertThat(count("Observation?subject=Patient/" + patient)).isEqualTo(1);
	}

	@Test
	void aBodyDigestThatDoesNotMatchRejectsTheUploadAndStoresNothing() {
		String body = json(backlog(5, true));
		String right = Base64.getEncoder().encodeToString(sha256(body.getBytes(StandardCharsets.UTF_8)));
		String wrong = Base64.getEncoder().encodeToString(sha256((body + " ").getBytes(StandardCharsets.UTF_8)));

		HttpResponse<String> refused = send("POST", "/fhir", "application/fhir+json", body,
				"Authorization", "Bearer " + deviceToken, "Digest", "sha-256=" + wrong);
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("OperationOutcome", "does not match");
		HttpResponse<String> refusedRfc9530 = send("POST", "/fhir", "application/fhir+json", body,
				"Authorization", "Bearer " + deviceToken, "Repr-Digest", "sha-256=:" + wrong + ":");
		assertThat(refusedRfc9530.statusCode()).isEqualTo(400);
		assertThat(count("Observation?subject=Patient/" + patient)).isZero();

		HttpResponse<String> accepted = send("POST", "/fhir", "application/fhir+json", body,
				"Authorization", "Bearer " + deviceToken, "Repr-Digest", "sha-256=:" + right + ":");
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
		assertThat(count("Observation?subject=Patient/" + patient)).isEqualTo(5);
	}

	@Test
	void anEntryDigestThatDoesNotMatchRejectsTheUploadAndStoresNothing() {
		List<String> entries = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String resource = json(reading(i, String.valueOf(70 + i), true));
			String digest = Base64.getEncoder().encodeToString(sha256(resource.getBytes(StandardCharsets.UTF_8)));
			String sent = i == 1 ? resource.replace("\"value\":71", "\"value\":17") : resource; // damaged on the way
			entries.add("{\"extension\":[{\"url\":\"https://consentfhir.org/fhir/StructureDefinition/entry-sha256\",\"valueBase64Binary\":\""
					+ digest + "\"}],\"resource\":" + sent + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}");
		}
		String damaged = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";

		HttpResponse<String> refused = send("POST", "/fhir", "application/fhir+json", damaged, "Authorization", "Bearer " + deviceToken);

		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(refused.body()).contains("Bundle.entry[1]").doesNotContain("Bundle.entry[0]");
		assertThat(count("Observation?subject=Patient/" + patient)).isZero();

		HttpResponse<String> intact = send("POST", "/fhir", "application/fhir+json", damaged.replace("\"value\":17", "\"value\":71"),
				"Authorization", "Bearer " + deviceToken);
		assertThat(intact.statusCode()).as(intact.body()).isEqualTo(200);
		assertThat(count("Observation?subject=Patient/" + patient)).isEqualTo(3);
	}

	@Test
	void aDeviceWritesOnlyReadingsOfItsOwnPatientsAsItself() {
		String stranger = clinic.patient(unique("Stranger"));
		Observation forStranger = reading(0, "72", true).setSubject(new Reference("Patient/" + stranger));
		Bundle mixed = backlog(2, true);
		mixed.addEntry().setResource(forStranger).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");

		HttpResponse<String> refused = send("POST", "/fhir", "application/fhir+json", json(mixed), "Authorization", "Bearer " + deviceToken);
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
		assertThat(refused.body()).contains("Device/" + device.split("/")[1] + " is assigned to");
		assertThat(count("Observation?subject=Patient/" + patient)).isZero();

		Observation asAnother = reading(1, "72", true).setDevice(new Reference("Device/some-other"));
		assertThat(send("POST", "/fhir/Observation", "application/fhir+json", json(asAnother), "Authorization", "Bearer " + deviceToken)
				.statusCode()).isEqualTo(403);
		assertThat(send("GET", "/fhir/Observation?subject=Patient/" + patient, null, null, "Authorization", "Bearer " + deviceToken)
				.statusCode()).isEqualTo(403);
		assertThat(send("POST", "/fhir/Patient", "application/fhir+json", "{\"resourceType\":\"Patient\"}", "Authorization", "Bearer " + deviceToken)
				.statusCode()).isEqualTo(403);

		HttpResponse<String> own = send("POST", "/fhir/Observation", "application/fhir+json", json(reading(2, "72", false)),
				"Authorization", "Bearer " + deviceToken);
		assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
		Observation stored = FHIR.newJsonParser().parseResource(Observation.class, own.body());
		assertThat(stored.getDevice().getReference()).isEqualTo(device);
		assertThat(stored.getMeta().getSource()).startsWith("urn:consentfhir:client:device-client");
	}

	@Test
	void aRevokedDeviceIsRefusedAtOnce() {
		assertThat(send("POST", "/fhir/Observation", "application/fhir+json", json(reading(0, "72", true)),
				"Authorization", "Bearer " + deviceToken).statusCode()).isEqualTo(201);
		Device monitor = client.read().resource(Device.class).withId(device).execute();
		monitor.setStatus(Device.FHIRDeviceStatus.INACTIVE);
		client.update().resource(monitor).execute();

		HttpResponse<String> refused = send("POST", "/fhir/Observation", "application/fhir+json", json(reading(1, "72", true)),
				"Authorization", "Bearer " + deviceToken);

		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.body()).contains("revoked");
	}

	@Test
	void aDeviceGetsItsOwnClientFromTheAuthorizationServer() {
		OAuth oauth = new OAuth(url(""));
		String admin = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.create").text("access_token");
		OAuth.Reply registered = oauth.json("POST", "/admin/devices/" + device.split("/")[1] + "/client", admin, "{}");
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);

		OAuth.Reply token = oauth.clientCredentials(registered.text("client_id"), registered.text("client_secret"), "system/Observation.c");
		assertThat(token.status()).as(token.body()).isEqualTo(200);

		HttpResponse<String> created = send("POST", "/fhir/Observation", "application/fhir+json", json(reading(0, "72", true)),
				"Authorization", "Bearer " + token.text("access_token"));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		OAuth.Reply wider = oauth.clientCredentials(registered.text("client_id"), registered.text("client_secret"), "system/Observation.rs");
		assertThat(wider.status()).isEqualTo(400);
	}

	@Test
	void aDeviceMayAuthenticateWithItsOwnKeyAsASmartBackendService() {
		OAuth oauth = new OAuth(url(""));
		String admin = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.create").text("access_token");
		OAuth.Reply registered = oauth.json("POST", "/admin/devices/" + device.split("/")[1] + "/client", admin,
				"{\"jwks_uri\":\"" + org.consentfhir.testsupport.TestIssuer.get().jwksUri() + "\",\"token_endpoint_auth_signing_alg\":\"RS384\"}");
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);
		assertThat(registered.body()).doesNotContain("client_secret");
		String clientId = registered.text("client_id");
		Instant now = Instant.now();
		String assertion = org.consentfhir.testsupport.TestIssuer.sign(com.nimbusds.jose.JWSAlgorithm.RS384,
				issuer().publishedKey(com.nimbusds.jose.JWSAlgorithm.RS384), new com.nimbusds.jwt.JWTClaimsSet.Builder()
						.issuer(clientId).subject(clientId).audience(url("/oauth2/token")).jwtID(java.util.UUID.randomUUID().toString())
						.issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(240))).build());

		OAuth.Reply token = oauth.token(null, null, "grant_type", "client_credentials", "scope", "system/Observation.c",
				"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion);
		assertThat(token.status()).as(token.body()).isEqualTo(200);

		HttpResponse<String> created = send("POST", "/fhir/Observation", "application/fhir+json", json(reading(0, "72", true)),
				"Authorization", "Bearer " + token.text("access_token"));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
	}

	@Test
	void aBacklogOfFiveThousandReadingsIsAcceptedAndItsReplayStoresNothing() {
		String body = json(backlog(5000, true));
		assertThat(body.length()).isLessThan(10 * 1024 * 1024);

		Bundle first = post(body, deviceToken);
		Bundle replay = post(body, deviceToken);

		assertThat(first.getEntry()).hasSize(5000);
		assertThat(statuses(replay)).containsOnly("200 OK");
		assertThat(count("Observation?subject=Patient/" + patient)).isEqualTo(5000);
	}

	/** n heart-rate readings a minute apart; every fourth one over 120 /min. */
	private Bundle backlog(int n, boolean withIdentifier) {
		Bundle upload = new Bundle().setType(BundleType.TRANSACTION);
		for (int i = 0; i < n; i++) {
			Observation reading = reading(i, i % 4 == 3 ? "130" : "72", withIdentifier);
			var request = upload.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(reading).getRequest()
					.setMethod(HTTPVerb.POST).setUrl("Observation");
			if (withIdentifier) {
				request.setIfNoneExist("Observation?identifier=" + SEQUENCE_SYSTEM + "|" + device + "-" + i);
			}
		}
		return upload;
	}

	private Observation reading(int sequence, String value, boolean withIdentifier) {
		Observation reading = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		reading.addCategory().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", null));
		reading.getCode().addCoding(new Coding("http://loinc.org", "8867-4", "Heart rate"));
		reading.setSubject(new Reference("Patient/" + patient));
		reading.setDevice(new Reference(device));
		reading.setEffective(new DateTimeType(Date.from(start.plusSeconds(60L * sequence))));
		reading.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem("http://unitsofmeasure.org").setCode("/min").setUnit("/min"));
		if (withIdentifier) {
			reading.addIdentifier().setSystem(SEQUENCE_SYSTEM).setValue(device + "-" + sequence);
		}
		return reading;
	}

	private String deviceToken(String deviceReference) {
		return issuer().token(baseUrl(), "system/Observation.c", c -> c
				.subject(deviceReference)
				.claim("client_id", "device-client")
				.claim("fhirUser", deviceReference)
				.claim("role", "device"));
	}

	private Bundle post(String body, String token) {
		HttpResponse<String> response = send("POST", "/fhir", "application/fhir+json", body, "Authorization", "Bearer " + token);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
	}

	private int count(String query) {
		Bundle page = client.search().byUrl(query + "&_count=1000&_elements=id").returnBundle(Bundle.class)
				.cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true)).execute();
		int total = page.getEntry().size();
		while (page.getLink(Bundle.LINK_NEXT) != null) {
			page = client.loadPage().next(page).execute();
			total += page.getEntry().size();
		}
		return total;
	}

	private static List<String> statuses(Bundle response) {
		return response.getEntry().stream().map(e -> e.getResponse().getStatus()).toList();
	}

	private static List<String> locations(Bundle response) {
		return response.getEntry().stream().map(e -> e.getResponse().getLocation()).toList();
	}

	private static String json(org.hl7.fhir.r4.model.Resource resource) {
		return FHIR.newJsonParser().encodeResourceToString(resource);
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
