package org.consentfhir.interceptors.transaction;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;

/**
 * What a transaction's {@code urn:uuid:…} placeholders for new Patients stand for. HAPI hands the
 * storage hooks of a transaction (consent, audit) its resources with these placeholders still in
 * their references; this reads them off the Bundle as it arrived. A placeholder counts only when it
 * is the {@code fullUrl} of an unconditional {@code POST Patient}: a conditional create or update
 * may resolve to an existing patient, which is for the caller's consent to decide.
 */
public final class TransactionPlaceholders {

	private static final String USER_DATA_KEY = TransactionPlaceholders.class.getName();

	private TransactionPlaceholders() {}

	/** Notes the new-patient placeholders of a transaction request, before HAPI processes it. */
	static void remember(RequestDetails request) {
		if (request.getResource() instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.TRANSACTION) {
			Map<String, IBaseResource> newPatients = new HashMap<>();
			for (BundleEntryComponent entry : bundle.getEntry()) {
				if (entry.getResource() instanceof org.hl7.fhir.r4.model.Patient patient
						&& entry.getRequest().getMethod() == Bundle.HTTPVerb.POST
						&& !entry.getRequest().hasIfNoneExist()
						&& entry.hasFullUrl() && entry.getFullUrl().startsWith("urn:")) {
					newPatients.put(entry.getFullUrl(), patient);
				}
			}
			if (!newPatients.isEmpty()) {
				request.getUserData().put(USER_DATA_KEY, Map.copyOf(newPatients));
			}
		}
	}

	/** Whether the placeholder names a Patient this transaction creates. */
	public static boolean isNewPatient(RequestDetails request, String placeholder) {
		return patients(request).containsKey(placeholder);
	}

	/** The id the new Patient got once stored, or null (not a new-patient placeholder, or not stored yet). */
	public static String storedId(RequestDetails request, String placeholder) {
		IBaseResource patient = patients(request).get(placeholder);
		String id = patient == null || patient.getIdElement() == null ? null : patient.getIdElement().getIdPart();
		return id == null || id.startsWith("urn:") ? null : id;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, IBaseResource> patients(RequestDetails request) {
		return request == null ? Map.of() : (Map<String, IBaseResource>) request.getUserData().getOrDefault(USER_DATA_KEY, Map.of());
	}
}
