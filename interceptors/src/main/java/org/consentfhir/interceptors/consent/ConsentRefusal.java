package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The answer to a caller asking for one record that consent hides from them, which is also the
 * answer when there is no such record: it names the record as the caller named it, the caller and
 * the purpose, and nothing that only the hidden record could tell (its patient, which Consent
 * decided, whether it exists). The deciding reason goes to the audit trail instead.
 */
public final class ConsentRefusal {

	private ConsentRefusal() {}

	/** The 403 for {@code named} ({@code Type/id}) asked for by {@code caller}. */
	public static ForbiddenOperationException of(ConsentCaller caller, String named) {
		return forbidden("Access denied by patient consent: " + reason(caller, named));
	}

	/**
	 * The 403 for a write into a record the caller may not write into: the caller named that record's
	 * patient themselves, so the deciding reason is given, with the caller (user and client).
	 */
	public static ForbiddenOperationException ofWrite(ConsentCaller caller, ConsentDecision denial) {
		return forbidden("Access denied by patient consent: " + denial.reason()
				+ (caller == null ? "" : " (the caller: " + caller.description() + ")"));
	}

	private static ForbiddenOperationException forbidden(String text) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.SUPPRESSED)
				.setDiagnostics(text);
		return new ForbiddenOperationException(text, outcome);
	}

	private static String reason(ConsentCaller caller, String named) {
		if (caller == null) {
			return "the request has no verified caller, so it reads no patient's record (" + named + ")";
		}
		if (caller.purpose() == null) {
			return "no purpose of use was given for " + named + " (header X-Purpose-Of-Use or token claim purpose_of_use)";
		}
		return named + " is not shared with " + caller.description() + " for " + caller.purpose().code()
				+ ": no Consent of its patient lets this caller see it, or there is no such record."
				+ " In an emergency a clinician may break the glass (POST Patient/{id}/$break-glass, or purpose BTG with header "
				+ ConsentCallers.BREAK_GLASS_REASON_HEADER + ")";
	}
}
