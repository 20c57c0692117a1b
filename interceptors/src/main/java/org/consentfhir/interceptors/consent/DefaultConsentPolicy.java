package org.consentfhir.interceptors.consent;

/**
 * What happens for a patient whose Consents say nothing about a request: under {@link #OPT_IN}
 * access needs a permit (the default); under {@link #OPT_OUT} it is allowed unless a Consent denies it.
 */
public enum DefaultConsentPolicy {
	OPT_IN,
	OPT_OUT
}
