package org.consentfhir.interceptors.sync;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Observation;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * Makes every reading upload idempotent: a reading (an Observation of a code with an
 * ObservationDefinition, as {@code isReading} tells) created without a condition of its own is
 * created "if none exists" with its {@link ReadingFingerprint} (patient, code, effective time,
 * value, device), which it also carries as an identifier ({@value ReadingFingerprint#SYSTEM}). A
 * retried upload, or the same reading sent twice, is then answered by HAPI's conditional create
 * with the stored reading (200, its location), and nothing is stored twice. A reading whose client
 * gave its own {@code ifNoneExist} (its business identifier) is left to that condition.
 *
 * <ul>
 *   <li>Transaction and batch Bundles: each {@code POST Observation} entry gets the identifier, the
 *       {@code ifNoneExist} and, when it has none, a {@code urn:uuid} fullUrl (HAPI merges entries
 *       with the same condition only when they have one). Hook {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}.</li>
 *   <li>A plain {@code POST /Observation}: the condition is a request header, which HAPI reads
 *       before the body is handed on, so it is added at {@code SERVER_INCOMING_REQUEST_POST_PROCESSED}
 *       from the body, and the identifier at {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}.</li>
 *   <li>HAPI stores entries of one transaction that share a condition once and leaves the later
 *       ones out of its response; the response gets them back ({@code SERVER_OUTGOING_RESPONSE}),
 *       each answering {@code 200 OK} with the location of the reading it repeats, so the response
 *       has one entry per request entry, in order, as FHIR requires.</li>
 * </ul>
 */
@Interceptor
public class DuplicateReadingInterceptor implements EndpointInterceptor {

	private static final String FINGERPRINT_KEY = DuplicateReadingInterceptor.class.getName() + ".fingerprint";
	private static final String REPEATS_KEY = DuplicateReadingInterceptor.class.getName() + ".repeats";

	/** A transaction entry HAPI will merge into an earlier one with the same condition. */
	private record Repeat(int index, int repeatsIndex) {}

	private final FhirContext fhir;
	private final Predicate<Observation> isReading;

	/**
	 * @param isReading which Observations are readings; others (a lab panel of an EHR's import, a
	 *                  survey answer) are stored as sent, without the cost of a conditional create
	 */
	public DuplicateReadingInterceptor(FhirContext fhir, Predicate<Observation> isReading) {
		this.fhir = fhir;
		this.isReading = isReading;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public boolean serverIncomingRequestPostProcessed(RequestDetails request) {
		if (request.getRestOperationType() != RestOperationTypeEnum.CREATE
				|| !"Observation".equals(request.getResourceName())
				|| request.getHeader(Constants.HEADER_IF_NONE_EXIST) != null) {
			return true;
		}
		Observation reading = parse(request);
		if (reading != null && isReading.test(reading)) {
			ReadingFingerprint.of(reading).ifPresent(fingerprint -> {
				request.getUserData().put(FINGERPRINT_KEY, fingerprint);
				request.addHeader(Constants.HEADER_IF_NONE_EXIST, condition(fingerprint));
			});
		}
		return true;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void serverIncomingRequestPreHandled(RequestDetails request) {
		IBaseResource resource = request.getResource();
		if (resource instanceof Observation reading && request.getUserData().get(FINGERPRINT_KEY) instanceof String fingerprint) {
			addIdentifier(reading, fingerprint);
		} else if (resource instanceof Bundle bundle
				&& (bundle.getType() == Bundle.BundleType.TRANSACTION || bundle.getType() == Bundle.BundleType.BATCH)) {
			bundle.getEntry().forEach(this::makeConditional);
			if (bundle.getType() == Bundle.BundleType.TRANSACTION) {
				rememberRepeats(bundle, request);
			}
		}
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void serverOutgoingResponse(RequestDetails request, ResponseDetails response) {
		if (!(request.getUserData().get(REPEATS_KEY) instanceof List<?> repeats)
				|| !(response.getResponseResource() instanceof Bundle answer)) {
			return;
		}
		List<BundleEntryComponent> kept = new ArrayList<>(answer.getEntry());
		int total = kept.size() + repeats.size();
		List<BundleEntryComponent> restored = new ArrayList<>(total);
		Map<Integer, Integer> answerOf = new HashMap<>();
		int next = 0;
		for (int index = 0, r = 0; index < total; index++) {
			if (r < repeats.size() && ((Repeat) repeats.get(r)).index() == index) {
				BundleEntryComponent first = restored.get(answerOf.get(((Repeat) repeats.get(r)).repeatsIndex()));
				BundleEntryComponent copy = new BundleEntryComponent();
				copy.getResponse().setStatus("200 OK").setLocation(first.getResponse().getLocation()).setEtag(first.getResponse().getEtag());
				restored.add(copy);
				r++;
			} else {
				if (next >= kept.size()) {
					return; // not the answer this request was expected to get; leave it as HAPI made it
				}
				answerOf.put(index, restored.size());
				restored.add(kept.get(next++));
			}
		}
		answer.setEntry(restored);
	}

	/** Entries with the condition (and a fullUrl) of an earlier POST: HAPI keeps only the first. */
	private static void rememberRepeats(Bundle bundle, RequestDetails request) {
		Map<String, Integer> firstWith = new HashMap<>();
		List<Repeat> repeats = new ArrayList<>();
		for (int index = 0; index < bundle.getEntry().size(); index++) {
			BundleEntryComponent entry = bundle.getEntry().get(index);
			if (entry.getResource() == null || entry.getRequest().getMethod() != HTTPVerb.POST
					|| !entry.getRequest().hasIfNoneExist() || !entry.hasFullUrl()) {
				continue;
			}
			String condition = entry.getRequest().getIfNoneExist();
			if (!condition.contains("?")) {
				condition = entry.getResource().fhirType() + "?" + condition;
			}
			Integer first = firstWith.putIfAbsent(condition, index);
			if (first != null) {
				repeats.add(new Repeat(index, first));
			}
		}
		if (!repeats.isEmpty()) {
			request.getUserData().put(REPEATS_KEY, repeats);
		}
	}

	private void makeConditional(BundleEntryComponent entry) {
		if (!(entry.getResource() instanceof Observation reading)
				|| entry.getRequest().getMethod() != HTTPVerb.POST
				|| entry.getRequest().hasIfNoneExist()
				|| !isReading.test(reading)) {
			return;
		}
		ReadingFingerprint.of(reading).ifPresent(fingerprint -> {
			addIdentifier(reading, fingerprint);
			entry.getRequest().setIfNoneExist("Observation?" + condition(fingerprint));
			if (!entry.hasFullUrl()) {
				entry.setFullUrl("urn:uuid:" + UUID.randomUUID());
			}
		});
	}

	private static void addIdentifier(Observation reading, String fingerprint) {
		boolean present = reading.getIdentifier().stream()
				.anyMatch(i -> ReadingFingerprint.SYSTEM.equals(i.getSystem()) && fingerprint.equals(i.getValue()));
		if (!present) {
			reading.addIdentifier().setSystem(ReadingFingerprint.SYSTEM).setValue(fingerprint);
		}
	}

	private static String condition(String fingerprint) {
		return "identifier=" + ReadingFingerprint.SYSTEM + "|" + fingerprint;
	}

	private Observation parse(RequestDetails request) {
		byte[] body = request.loadRequestContents();
		if (body == null || body.length == 0) {
			return null;
		}
		String text = new String(body, StandardCharsets.UTF_8);
		EncodingEnum encoding = EncodingEnum.detectEncodingNoDefault(text);
		if (encoding == null) {
			return null;
		}
		try {
			return encoding.newParser(fhir).parseResource(Observation.class, text);
		} catch (DataFormatException | ClassCastException unparseable) {
			return null; // HAPI's own parse of the body answers it with a 400
		}
	}
}
