package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The consent decisions of one request worth an audit record of their own: denials and
 * break-glass permits, one per patient (the first of each kind), kept in the request's user data.
 */
public final class ConsentDecisionLog {

	private static final String USER_DATA_KEY = ConsentDecisionLog.class.getName();

	private final Map<String, ConsentDecision> denials = new LinkedHashMap<>();
	private final Map<String, ConsentDecision> breakGlassPermits = new LinkedHashMap<>();

	public static ConsentDecisionLog of(RequestDetails request) {
		return (ConsentDecisionLog) request.getUserData().computeIfAbsent(USER_DATA_KEY, k -> new ConsentDecisionLog());
	}

	/** The log if the request made one, else null. */
	public static ConsentDecisionLog ifAny(RequestDetails request) {
		return (ConsentDecisionLog) request.getUserData().get(USER_DATA_KEY);
	}

	synchronized void noteDenial(String patient, ConsentDecision decision) {
		denials.putIfAbsent(patient, decision);
	}

	synchronized void noteBreakGlass(String patient, ConsentDecision decision) {
		breakGlassPermits.putIfAbsent(patient, decision);
	}

	/** Patient id → the denial. */
	public synchronized Map<String, ConsentDecision> denials() {
		return Map.copyOf(denials);
	}

	/** Patient id → the break-glass permit. */
	public synchronized Map<String, ConsentDecision> breakGlassPermits() {
		return Map.copyOf(breakGlassPermits);
	}

	public synchronized boolean hasBreakGlassPermit() {
		return !breakGlassPermits.isEmpty();
	}

	public synchronized boolean isEmpty() {
		return denials.isEmpty() && breakGlassPermits.isEmpty();
	}
}
