package org.consentfhir.interceptors.transaction;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;

/**
 * What a transaction's {@code urn:uuid:…} placeholders for new Patients stand for. HAPI hands the
 * storage hooks of a transaction (consent, audit) its resources with these placeholders still in
 * their references; this reads them off the Bundle as it arrived. A placeholder counts only when it
 * is the {@code fullUrl} of an unconditional {@code POST Patient} names a new patient; one of a
 * conditional Patient entry may resolve to an existing patient, which this cannot know; any other
 * placeholder (HAPI cannot tell a Provenance's target apart before it resolves) names no patient.
 */
public final class TransactionPlaceholders {

	private static final String USER_DATA_KEY = TransactionPlaceholders.class.getName();

	private TransactionPlaceholders() {}

	/** Notes the new-patient placeholders of a transaction request, before HAPI processes it. */
	static void remember(RequestDetails request) {
		if (request.getResource() instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.TRANSACTION) {
			Map<String, IBaseResource> newPatients = new HashMap<>();
			Set<String> otherPatients = new HashSet<>();
			for (BundleEntryComponent entry : bundle.getEntry()) {
				if (entry.getResource() instanceof org.hl7.fhir.r4.model.Patient patient
						&& entry.hasFullUrl() && entry.getFullUrl().startsWith("urn:")) {
					if (entry.getRequest().getMethod() == Bundle.HTTPVerb.POST && !entry.getRequest().hasIfNoneExist()) {
						newPatients.put(entry.getFullUrl(), patient);
					} else {
						otherPatients.add(entry.getFullUrl());
					}
				}
			}
			request.getUserData().put(USER_DATA_KEY, new Placeholders(Map.copyOf(newPatients), Set.copyOf(otherPatients)));
		}
	}

	/** What a placeholder found among a resource's patient references stands for. */
	public enum Meaning {
		/** a Patient this transaction creates */
		NEW_PATIENT,
		/** a Patient entry that may resolve to an existing patient (conditional create, update) */
		PATIENT_OF_A_CONDITION,
		/** another kind of resource (an Encounter a Provenance points at, say): nobody's record */
		NOT_A_PATIENT
	}

	private record Placeholders(Map<String, IBaseResource> newPatients, Set<String> otherPatients) {}

	public static Meaning meaningOf(RequestDetails request, String placeholder) {
		Placeholders placeholders = placeholders(request);
		if (placeholders.newPatients().containsKey(placeholder)) {
			return Meaning.NEW_PATIENT;
		}
		return placeholders.otherPatients().contains(placeholder) ? Meaning.PATIENT_OF_A_CONDITION : Meaning.NOT_A_PATIENT;
	}

	/** The id the new Patient got once stored, or null (not a new-patient placeholder, or not stored yet). */
	public static String storedId(RequestDetails request, String placeholder) {
		IBaseResource patient = placeholders(request).newPatients().get(placeholder);
		String id = patient == null || patient.getIdElement() == null ? null : patient.getIdElement().getIdPart();
		return id == null || id.startsWith("urn:") ? null : id;
	}

	private static Placeholders placeholders(RequestDetails request) {
		Object known = request == null ? null : request.getUserData().get(USER_DATA_KEY);
		return known instanceof Placeholders placeholders ? placeholders : new Placeholders(Map.of(), Set.of());
	}
}
