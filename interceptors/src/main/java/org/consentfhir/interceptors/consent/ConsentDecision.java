package org.consentfhir.interceptors.consent;

/**
 * The answer of {@link ConsentDecider} and why: the Consent that decided (null when the patient's
 * own access or the site's default decided) and a sentence a person can read.
 */
public record ConsentDecision(Verdict verdict, String decidingConsent, String reason, boolean breakGlass) {

	public enum Verdict {
		PERMIT,
		DENY
	}

	public boolean permitted() {
		return verdict == Verdict.PERMIT;
	}

	static ConsentDecision permit(String consent, String reason) {
		return new ConsentDecision(Verdict.PERMIT, consent, reason, false);
	}

	/** A permit that only an emergency override gave. */
	static ConsentDecision breakGlass(String consent, String reason) {
		return new ConsentDecision(Verdict.PERMIT, consent, reason, true);
	}

	static ConsentDecision deny(String consent, String reason) {
		return new ConsentDecision(Verdict.DENY, consent, reason, false);
	}
}
