package org.consentfhir.abdm;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;

/**
 * {@code POST /fhir/$abdm-hi-request}: the health-information request of ABDM's HIP API
 * ({@code /v0.5/health-information/hip/request}, the JSON as the gateway sends it, relayed by the
 * site's connector). The server checks the consent artefact it imported (it exists, is active and
 * not past {@code dataEraseAt}, and the requested dateRange lies inside its {@code dataPeriod}),
 * builds the document of each hiType the consent names (validated as by {@code $abdm-export}),
 * encrypts each for the requester with Fidelius (the requester's key and nonce, a fresh key pair
 * and nonce of this HIP), and POSTs them to {@code dataPushUrl} in pages ({@code pageNumber},
 * {@code pageCount}, {@code transactionId}, entries with the encrypted {@code content}, the MD5 hex
 * {@code checksum} of the plaintext and the care context, and this HIP's {@code keyMaterial}).
 * Documents are made per care context of the artefact ({@link CareContexts}: an encounter of the
 * patient) and per consented hiType that holds records there. Answers the session status
 * (TRANSFERRED or FAILED) and each care context's {@code hiStatus} (DELIVERED or ERRORED, with a
 * description), what the connector sends in the gateway's {@code notify}. Every push is audited as a
 * BALP PrivacyDisclosure naming the HIU, the push URL and the documents.
 */
public class AbdmHealthInformationOperation implements FhirOperation {

	static final int ENTRIES_PER_PAGE = 10;
	private static final ObjectMapper JSON = new ObjectMapper();
	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final DaoRegistry daos;
	private final FhirContext fhir;
	private final AbdmExportOperation export;
	private final AccessAuditEvents events;
	private final IBalpAuditEventSink audit;

	AbdmHealthInformationOperation(DaoRegistry daos, FhirContext fhir, AbdmExportOperation export, AccessAuditEvents events,
			IBalpAuditEventSink audit) {
		this.daos = daos;
		this.fhir = fhir;
		this.export = export;
		this.events = events;
		this.audit = audit;
	}

	private record HiRequest(String transactionId, String consentId, Date from, Date to, String pushUrl, String keyValue, String nonce) {}

	private record Entry(String hiType, String careContext, String documentId, String content, String checksum) {}

	/** The gateway connector's system scope (the one that relays consent artefacts); the data leaves only under a consent artefact the operation checks, and it answers statuses, no records. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of(OperationRule.whenAnyScope(AbdmConsentNotifyOperation::writesConsentsForTheSystem,
				rules -> rules.allow("$abdm-hi-request, for the gateway connector's system scope")
						.operation().named("$abdm-hi-request").onServer().andAllowAllResponses()));
	}

	@Operation(name = "$abdm-hi-request", manualRequest = true)
	public Parameters request(RequestDetails request) {
		HiRequest hi = parse(request.loadRequestContents());
		Consent consent = activeConsent(hi);
		String patientId = consent.getPatient().getReferenceElement().getIdPart();
		Patient patient = daos.getResourceDao(Patient.class).read(new IdType("Patient", patientId), new SystemRequestDetails());
		Fidelius.KeyMaterial hip = Fidelius.newKeyMaterial();

		List<String> careContexts = careContextsOf(consent);
		List<Entry> entries = new ArrayList<>();
		Map<String, String> problems = new LinkedHashMap<>();
		for (String careContext : careContexts) {
			Encounter encounter = CareContexts.find(daos, patientId, careContext, new SystemRequestDetails());
			if (encounter == null) {
				problems.put(careContext, "not a care context (an encounter) of this patient");
				continue;
			}
			int before = entries.size();
			for (var code : consent.getProvision().getCode()) {
				String hiType = code.getCodingFirstRep().getCode();
				try {
					Bundle document = export.document(hiType, patient, encounter, hi.from(), hi.to(), new SystemRequestDetails());
					byte[] plain = fhir.newJsonParser().encodeResourceToString(document).getBytes(StandardCharsets.UTF_8);
					entries.add(new Entry(hiType, careContext, document.getIdentifier().getValue(), Fidelius.encrypt(plain, hip, hi.keyValue(), hi.nonce()), md5Hex(plain)));
				} catch (AbdmExportOperation.NothingToExport nothingOfThisType) {
					// a care context need not hold every hiType the consent names
				} catch (UnprocessableEntityException invalid) {
					problems.put(careContext, "a " + hiType + " document did not validate and was not sent");
				}
			}
			if (entries.size() == before && !problems.containsKey(careContext)) {
				problems.put(careContext, "no records of the consented hiTypes in the dateRange");
			}
		}
		boolean delivered = !entries.isEmpty() && push(hi, entries, hip);
		Parameters answer = new Parameters();
		answer.addParameter().setName("transactionId").setValue(new StringType(hi.transactionId()));
		answer.addParameter().setName("sessionStatus").setValue(new StringType(delivered ? "TRANSFERRED" : "FAILED"));
		for (String careContext : careContexts) {
			boolean sent = delivered && !problems.containsKey(careContext);
			var status = answer.addParameter().setName("statusResponse");
			status.addPart().setName("careContextReference").setValue(new StringType(careContext));
			status.addPart().setName("hiStatus").setValue(new StringType(sent ? "DELIVERED" : "ERRORED"));
			status.addPart().setName("description").setValue(new StringType(
					sent ? entries.stream().filter(e -> e.careContext().equals(careContext)).map(Entry::hiType).toList().toString()
							: problems.getOrDefault(careContext, "the push to dataPushUrl failed")));
		}
		if (delivered) {
			audit.recordAuditEvent(events.disclosure(request, null, patientId, "HIU " + hiuOf(consent), hi.pushUrl(),
					consent.getProvision().getPurposeFirstRep(), entries.stream().map(Entry::documentId).toList()));
		}
		return answer;
	}

	private boolean push(HiRequest hi, List<Entry> entries, Fidelius.KeyMaterial hip) {
		int pages = Math.max(1, (entries.size() + ENTRIES_PER_PAGE - 1) / ENTRIES_PER_PAGE);
		for (int page = 0; page < pages; page++) {
			ObjectNode body = JSON.createObjectNode()
					.put("pageNumber", page + 1).put("pageCount", pages).put("transactionId", hi.transactionId());
			ArrayNode items = body.putArray("entries");
			for (Entry e : entries.subList(page * ENTRIES_PER_PAGE, Math.min(entries.size(), (page + 1) * ENTRIES_PER_PAGE))) {
				items.addObject().put("content", e.content()).put("media", "application/fhir+json")
						.put("checksum", e.checksum()).put("careContextReference", e.careContext());
			}
			ObjectNode key = body.putObject("keyMaterial").put("cryptoAlg", "ECDH").put("curve", "Curve25519").put("nonce", hip.nonce());
			key.putObject("dhPublicKey").put("expiry", Instant.now().plus(Duration.ofHours(1)).toString())
					.put("parameters", "Curve25519/32byte random key").put("keyValue", hip.publicKey());
			try {
				HttpResponse<Void> sent = HTTP.send(HttpRequest.newBuilder(URI.create(hi.pushUrl())).timeout(Duration.ofSeconds(60))
						.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
						HttpResponse.BodyHandlers.discarding());
				if (sent.statusCode() / 100 != 2) {
					return false;
				}
			} catch (IOException e) {
				return false;
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	private Consent activeConsent(HiRequest hi) {
		Consent consent = AbdmConsentArtefacts.stored(daos, hi.consentId());
		if (consent == null) {
			throw new ResourceNotFoundException("No consent artefact " + hi.consentId() + " was granted to this HIP");
		}
		if (consent.getStatus() != Consent.ConsentState.ACTIVE) {
			throw new UnprocessableEntityException("Consent " + hi.consentId() + " is " + consent.getStatus().toCode());
		}
		Date end = consent.getProvision().getPeriod().getEnd();
		if (end != null && end.before(new Date())) {
			throw new UnprocessableEntityException("Consent " + hi.consentId() + " expired at " + end.toInstant());
		}
		var data = consent.getProvision().getDataPeriod();
		if ((data.hasStart() && (hi.from() == null || hi.from().before(data.getStart())))
				|| (data.hasEnd() && (hi.to() == null || hi.to().after(data.getEnd())))) {
			throw new UnprocessableEntityException("The requested dateRange is not inside the consent's " + data.getStartElement().getValueAsString()
					+ " to " + data.getEndElement().getValueAsString());
		}
		return consent;
	}

	/** The HIU the consent manager granted the artefact to: the Consent's information recipient (IRCP). */
	private static String hiuOf(Consent consent) {
		return consent.getProvision().getActor().stream()
				.filter(a -> a.getRole().getCoding().stream().anyMatch(c -> "IRCP".equals(c.getCode())))
				.map(a -> a.getReference().getIdentifier().getValue())
				.findFirst().orElse("?");
	}

	/** The care contexts the consent manager listed in the artefact; 422 when it lists none. */
	private static List<String> careContextsOf(Consent consent) {
		List<String> references = new ArrayList<>();
		try {
			JSON.readTree(consent.getSourceAttachment().getData()).path("notification").path("consentDetail").path("careContexts")
					.forEach(c -> references.add(c.path("careContextReference").asText("")));
		} catch (IOException e) {
			throw new UnprocessableEntityException("The stored consent artefact is unreadable: " + e.getMessage());
		}
		references.removeIf(String::isBlank);
		if (references.isEmpty()) {
			throw new UnprocessableEntityException("The consent artefact names no care context");
		}
		return references;
	}

	private static HiRequest parse(byte[] body) {
		try {
			JsonNode root = JSON.readTree(body);
			JsonNode hi = root.path("hiRequest");
			JsonNode range = hi.path("dateRange");
			JsonNode key = hi.path("keyMaterial");
			return new HiRequest(
					AbdmConsentArtefacts.required(root, "transactionId"),
					AbdmConsentArtefacts.required(hi.path("consent"), "id"),
					AbdmConsentArtefacts.date(range, "from"),
					AbdmConsentArtefacts.date(range, "to"),
					AbdmConsentArtefacts.required(hi, "dataPushUrl"),
					AbdmConsentArtefacts.required(key.path("dhPublicKey"), "keyValue"),
					AbdmConsentArtefacts.required(key, "nonce"));
		} catch (IOException | IllegalArgumentException e) {
			throw new InvalidRequestException("Not an ABDM health-information request: " + e.getMessage());
		}
	}

	private static String md5Hex(byte[] plain) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(plain));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
