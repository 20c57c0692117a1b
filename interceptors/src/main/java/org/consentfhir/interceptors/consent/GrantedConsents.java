package org.consentfhir.interceptors.consent;

import org.hl7.fhir.r4.model.Consent;

/** Where a Consent the server grants by its own rule (at registration) is stored; implemented by the server over its storage. */
public interface GrantedConsents {

	/**
	 * Stores the Consent once the current transaction has committed, in a transaction of its own (at
	 * once outside one): it never joins the transaction HAPI is still processing, and nothing is
	 * granted when that one rolls back.
	 */
	void storeAfterCommit(Consent consent);
}
