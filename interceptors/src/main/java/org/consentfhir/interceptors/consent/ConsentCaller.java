package org.consentfhir.interceptors.consent;

import java.util.Set;
import org.consentfhir.interceptors.auth.Role;

/**
 * Who is asking for patient data in one request, settled once by {@link ConsentCallers}.
 *
 * @param actors           the references a Consent's {@code provision.actor} may name for this caller:
 *                         the person ({@code Practitioner/1}) and the organizations and care teams they belong to
 * @param selfPatient      the patient id when the caller is that patient, else null
 * @param purpose          why the data is used, or null when the request names no purpose
 * @param purposeSource    where the purpose came from ({@code header}, {@code token}, {@code role default})
 * @param trusted          a client the site trusts with every record (configured by client id); consent is not consulted
 * @param breakGlassReason the stated reason of a per-request break-the-glass ({@code purpose = BTG}), else null
 * @param description      the caller in words, for decisions and audit
 * @param role             the token's role, or null (a system client)
 */
public record ConsentCaller(
		Set<String> actors,
		String selfPatient,
		PurposeOfUse purpose,
		String purposeSource,
		boolean trusted,
		String breakGlassReason,
		String description,
		Role role) {

	public static final String USER_DATA_KEY = ConsentCaller.class.getName();

	public ConsentCaller {
		actors = Set.copyOf(actors);
	}

	public boolean isPatient(String patientId) {
		return selfPatient != null && selfPatient.equals(patientId);
	}

	/** The privacy officer's role: reads the audit trail, which no Consent governs. */
	public boolean auditor() {
		return role == Role.AUDITOR;
	}

	/** The registration desk's role: records and revokes Consents, so reads every one. */
	public boolean readsEveryConsent() {
		return role == Role.REGISTRAR;
	}

	public boolean breaksGlassForThisRequest() {
		return purpose == PurposeOfUse.BTG && breakGlassReason != null;
	}
}
