package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.consentfhir.interceptors.transaction.TransactionPlaceholders;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;

/**
 * One consent check for one resource and one caller: every patient whose record the resource is in
 * must permit it (the first denial decides). Resources that are nobody's record pass. A Consent is
 * read as a record of its patient (it names the patient and whom they let in), except by the
 * registration desk, which records and revokes Consents ({@link ConsentCaller#readsEveryConsent()});
 * who may write one is {@link ConsentAuthorship}'s rule, not this. Each denial and each break-glass
 * permit is noted in the request's {@link ConsentDecisionLog} for the audit trail.
 *
 * <p>Within one request, the answer for a patient and a type of record is worked out once and
 * used for each further record of that type in the patient's record, as long as the patient's
 * Consents are the same ones (the same cached list from the {@link ConsentSource}) and none of
 * them looks at when a record was made ({@code dataPeriod}); otherwise each record is decided
 * on its own. A page of fifty Observations of one patient costs one decision, not fifty.
 */
public final class ConsentGate {

	/** The request's decisions, by patient and type of record (user data of the request). */
	private static final String DECIDED_IN_THIS_REQUEST = ConsentGate.class.getName() + ".decided";

	/** A decision and the Consents it was taken from. */
	private record Decided(List<Consent> consents, ConsentDecision decision) {}

	private final FhirContext fhir;
	private final PatientCompartment compartment;
	private final ConsentDecider decider;
	private final ConsentSource source;
	private final Clock clock;

	public ConsentGate(FhirContext fhir, ConsentDecider decider, ConsentSource source, Clock clock) {
		this.fhir = fhir;
		this.compartment = new PatientCompartment(fhir);
		this.decider = decider;
		this.source = source;
		this.clock = clock;
	}

	/** The deciding denial, or null when the caller may have this stored resource. */
	public ConsentDecision denialFor(ConsentCaller caller, IBaseResource resource, RequestDetails request) {
		return denialFor(caller, resource, () -> compartment.ownersOf(resource), request);
	}

	/**
	 * {@link #denialFor(ConsentCaller, IBaseResource, RequestDetails)} of a resource the request
	 * loaded to show the caller, its patients found once per request ({@link PatientCompartment#ownersOfShown}).
	 */
	public ConsentDecision denialForShown(ConsentCaller caller, IBaseResource resource, RequestDetails request) {
		return denialFor(caller, resource, () -> compartment.ownersOfShown(resource, request), request);
	}

	private ConsentDecision denialFor(ConsentCaller caller, IBaseResource resource, Supplier<List<String>> owners, RequestDetails request) {
		String type = fhir.getResourceType(resource);
		if ("Consent".equals(type) && caller != null && caller.readsEveryConsent()) {
			return null;
		}
		return firstDenial(caller, type, owners.get(), resource, request);
	}

	/**
	 * Whether consent could hide a record of this type from this caller at all: false for the
	 * callers and types {@link #denialFor(ConsentCaller, IBaseResource, RequestDetails)} always
	 * lets through (a trusted client, a break-glass request, the auditor's AuditEvents, the
	 * registration desk's Consents, types that are nobody's record).
	 */
	public boolean mayHide(ConsentCaller caller, String type) {
		if (compartment.neverInARecord(type)) {
			return false;
		}
		if (caller == null) {
			return true;
		}
		return !(caller.trusted() || caller.breaksGlassForThisRequest()
				|| "AuditEvent".equals(type) && caller.auditor()
				|| "Consent".equals(type) && caller.readsEveryConsent());
	}

	/**
	 * Whether this patient lets the caller have every record of this type in their record, whatever its
	 * date: the caller is the patient, or the patient's Consents permit it without looking at record
	 * dates (and without break-glass, whose every use is noted record by record). What
	 * {@link #denialFor(ConsentCaller, IBaseResource, RequestDetails)} would answer for each such record
	 * as far as this patient goes; another patient the record is also in is not asked.
	 */
	public boolean permitsEveryRecord(ConsentCaller caller, String patient, String type) {
		if (!caller.isPatient(patient) && ConsentDecider.looksAtRecordDates(source.consentsOf(patient))) {
			return false;
		}
		ConsentDecision decision = decide(caller, patient, type, null, null);
		return decision.permitted() && !decision.breakGlass();
	}

	/**
	 * The deciding denial for writing a resource of this type in these patients' records, or null.
	 * A Consent's writer is judged by {@link ConsentAuthorship} instead.
	 */
	public ConsentDecision denialFor(
			ConsentCaller caller, String type, List<String> patients, IBaseResource resource, RequestDetails request) {
		return "Consent".equals(type) && caller != null ? null : firstDenial(caller, type, patients, resource, request);
	}

	private ConsentDecision firstDenial(
			ConsentCaller caller, String type, List<String> patients, IBaseResource resource, RequestDetails request) {
		if (caller == null) {
			return patients.isEmpty() ? null : ConsentDecision.deny(null, "the request has no verified caller");
		}
		if (caller.trusted() || "AuditEvent".equals(type) && caller.auditor()) {
			return null; // the auditor reads the trail of every record; who may do so is AuditEventAccessInterceptor's rule
		}
		for (String patient : patients) {
			if (patient.startsWith("urn:")) {
				if (TransactionPlaceholders.meaningOf(request, patient) != TransactionPlaceholders.Meaning.PATIENT_OF_A_CONDITION) {
					continue; // a patient this transaction registers (nothing of theirs exists yet), or no patient at all
				}
				// a conditional entry may stand for an existing patient: refuse rather than guess
				ConsentDecision unknown = ConsentDecision.deny(null, "the record refers to its patient as " + patient
						+ ", which this transaction does not create as a new Patient; refer to an existing patient by its id");
				ConsentDecisionLog.of(request).noteDenial(patient, unknown);
				return unknown;
			}
			ConsentDecision decision = decide(caller, patient, type, resource, request);
			if (decision.breakGlass()) {
				ConsentDecisionLog.of(request).noteBreakGlass(patient, decision);
			}
			if (!decision.permitted()) {
				ConsentDecisionLog.of(request).noteDenial(patient, decision);
				return decision;
			}
		}
		return null;
	}

	private ConsentDecision decide(ConsentCaller caller, String patient, String type, IBaseResource resource, RequestDetails request) {
		if (caller.isPatient(patient)) {
			return ConsentDecision.permit(null, "the patient has access to their own record");
		}
		if (caller.breaksGlassForThisRequest()) {
			return ConsentDecision.breakGlass(null, "break-the-glass on this request by " + caller.description()
					+ " (reason: " + caller.breakGlassReason() + ")");
		}
		List<Consent> consents = source.consentsOf(patient);
		Map<String, Decided> decided = request == null ? null : decidedIn(request);
		String key = patient + '\u0000' + type;
		Decided earlier = decided == null ? null : decided.get(key);
		if (earlier != null && earlier.consents() == consents) {
			return earlier.decision();
		}
		AccessRequest access = new AccessRequest(patient, caller.actors(), caller.purpose(), type,
				resource == null ? null : RecordDates.of(resource), clock.instant(), false);
		ConsentDecision decision = decider.decide(access, consents);
		if (decided != null && !ConsentDecider.looksAtRecordDates(consents)) {
			decided.put(key, new Decided(consents, decision));
		}
		return decision;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Decided> decidedIn(RequestDetails request) {
		// HAPI's search may check matches on its own thread while the request's thread shows a page
		return (Map<String, Decided>) request.getUserData().computeIfAbsent(DECIDED_IN_THIS_REQUEST, k -> new ConcurrentHashMap<>());
	}
}
