package org.consentfhir.abdm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** A health-information request under an imported consent: documents encrypted for the requester, pushed, decrypted and validated here. */
class AbdmHealthInformationTest extends EndToEndTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void theRequesterDecryptsValidDocumentsPushedUnderItsConsent() throws Exception {
		String address = unique("ravi.") + "@sbx";
		String careContext = unique("OP-2026-");
		Patient registered = new Patient();
		registered.addIdentifier().setSystem("https://healthid.ndhm.gov.in/abha-address").setValue(address);
		String patient = client.create().resource(registered).execute().getId().getIdPart();
		Encounter visit = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
				.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
				.setSubject(new Reference("Patient/" + patient));
		visit.addIdentifier().setSystem("https://hospital.example.org/visit").setValue(careContext);
		visit.getPeriod().setStartElement(new DateTimeType("2026-06-01T09:30:00Z"));
		String encounter = client.create().resource(visit).execute().getId().toUnqualifiedVersionless().getValue();
		heartRate(patient, "72", "2026-06-01T10:00:00Z", encounter);
		heartRate(patient, "90", "2026-06-05T10:00:00Z", null);
		String consentId = UUID.randomUUID().toString();
		HttpResponse<String> granted = send("POST", "/fhir/$abdm-consent-notify", "application/json", artefact(consentId, address, careContext));
		assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);

		Fidelius.KeyMaterial hiu = Fidelius.newKeyMaterial();
		List<String> pushed = new CopyOnWriteArrayList<>();
		HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/push", exchange -> {
			pushed.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			exchange.sendResponseHeaders(202, -1);
			exchange.close();
		});
		receiver.start();
		try {
			String push = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/push";
			HttpResponse<String> answer = send("POST", "/fhir/$abdm-hi-request", "application/json",
					hiRequest(consentId, "2026-01-01T00:00:00.000", "2026-10-31T00:00:00.000", push, hiu));

			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			Parameters statuses = FHIR.newJsonParser().parseResource(Parameters.class, answer.body());
			assertThat(statuses.getParameter("sessionStatus").getValue().primitiveValue()).isEqualTo("TRANSFERRED");
			assertThat(statuses.getParameters("statusResponse")).extracting(
					r -> r.getPart().get(0).getValue().primitiveValue() + " " + r.getPart().get(1).getValue().primitiveValue())
					.containsExactly(careContext + " DELIVERED", "IP-unknown ERRORED");
			assertThat(pushed).hasSize(1);
			JsonNode page = JSON.readTree(pushed.get(0));
			assertThat(page.path("pageNumber").asInt()).isEqualTo(1);
			assertThat(page.path("pageCount").asInt()).isEqualTo(1);
			assertThat(page.path("entries")).hasSize(2).allMatch(e -> e.path("careContextReference").asText().equals(careContext));
			List<String> types = new ArrayList<>();
			for (JsonNode entry : page.path("entries")) {
				byte[] plain = Fidelius.decrypt(entry.path("content").asText(), hiu,
						page.path("keyMaterial").path("dhPublicKey").path("keyValue").asText(), page.path("keyMaterial").path("nonce").asText());
				assertThat(entry.path("checksum").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(plain)));
				Bundle document = FHIR.newJsonParser().parseResource(Bundle.class, new String(plain, StandardCharsets.UTF_8));
				types.add(((Composition) document.getEntryFirstRep().getResource()).getTitle());
				assertThat(document.getEntry()).as("only the care context's reading").filteredOn(e -> e.getResource() instanceof Observation)
						.extracting(e -> ((Observation) e.getResource()).getValueQuantity().getValue().intValue()).containsExactly(72);
				HttpResponse<String> validated = send("POST", "/fhir/Bundle/$validate", "application/fhir+json", new String(plain, StandardCharsets.UTF_8));
				assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, validated.body()).getIssue())
						.noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
			}
			assertThat(types).containsExactlyInAnyOrder("Wellness Record", "Consultation Report");
			Bundle disclosures = client.search().byUrl("AuditEvent?patient=Patient/" + patient + "&type=http://dicom.nema.org/resources/ontology/DCM|110106")
					.returnBundle(Bundle.class).execute();
			assertThat(disclosures.getEntry()).hasSize(1);
			AuditEvent disclosure = (AuditEvent) disclosures.getEntryFirstRep().getResource();
			assertThat(disclosure.getAgent()).anyMatch(a -> "HIU HIU-42".equals(a.getWho().getDisplay()) && push.equals(a.getNetwork().getAddress()));
			assertThat(disclosure.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("CAREMGT");
			assertThat(disclosure.getEntity()).filteredOn(e -> e.getWhat().getIdentifier().hasValue()).hasSize(2);

			assertThat(send("POST", "/fhir/$abdm-hi-request", "application/json",
					hiRequest(consentId, "2020-01-01T00:00:00.000", "2026-10-31T00:00:00.000", push, hiu)).statusCode())
					.as("a dateRange outside the consent").isEqualTo(422);
			send("POST", "/fhir/$abdm-consent-notify", "application/json",
					"{\"notification\":{\"status\":\"REVOKED\",\"consentId\":\"" + consentId + "\"}}");
			assertThat(send("POST", "/fhir/$abdm-hi-request", "application/json",
					hiRequest(consentId, "2026-01-01T00:00:00.000", "2026-10-31T00:00:00.000", push, hiu)).statusCode())
					.as("a revoked consent").isEqualTo(422);
			assertThat(pushed).hasSize(1);
		} finally {
			receiver.stop(0);
		}
	}

	private static String hiRequest(String consentId, String from, String to, String push, Fidelius.KeyMaterial hiu) {
		return """
				{"requestId":"%s","timestamp":"2026-11-21T10:00:00.000","transactionId":"tx-%s","hiRequest":{"consent":{"id":"%s"},
				 "dateRange":{"from":"%s","to":"%s"},"dataPushUrl":"%s",
				 "keyMaterial":{"cryptoAlg":"ECDH","curve":"Curve25519","dhPublicKey":{"expiry":"2026-11-21T12:00:00.000",
				  "parameters":"Curve25519/32byte random key","keyValue":"%s"},"nonce":"%s"}}}"""
				.formatted(UUID.randomUUID(), consentId, consentId, from, to, push, hiu.publicKey(), hiu.nonce());
	}

	private void heartRate(String patient, String value, String when, String encounter) {
		Observation reading = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		reading.getCode().addCoding(new Coding("http://loinc.org", "8867-4", null));
		reading.setSubject(new Reference("Patient/" + patient)).setEffective(new DateTimeType(when));
		reading.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem("http://unitsofmeasure.org").setCode("/min"));
		if (encounter != null) {
			reading.setEncounter(new Reference(encounter));
		}
		client.create().resource(reading).execute();
	}

	private static String artefact(String consentId, String address, String careContext) {
		return """
				{"requestId":"r1","notification":{"status":"GRANTED","consentId":"%1$s",
				 "consentDetail":{"consentId":"%1$s","createdAt":"2026-11-21T09:59:00.000","patient":{"id":"%2$s"},
				  "careContexts":[{"patientReference":"MRN-1","careContextReference":"%3$s"},
				   {"patientReference":"MRN-1","careContextReference":"IP-unknown"}],
				  "purpose":{"text":"Care Management","code":"CAREMGT"},"hiu":{"id":"HIU-42"},
				  "hiTypes":["WellnessRecord","OPConsultation"],
				  "permission":{"accessMode":"VIEW","dateRange":{"from":"2025-01-01T00:00:00.000","to":"2026-11-01T00:00:00.000"},
				   "dataEraseAt":"2027-01-01T00:00:00.000","frequency":{"unit":"HOUR","value":1,"repeats":0}}}}}""".formatted(consentId, address, careContext);
	}
}
