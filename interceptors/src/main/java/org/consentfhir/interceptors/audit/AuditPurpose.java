package org.consentfhir.interceptors.audit;

import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Reference;

/**
 * Carries a request's purpose of use into the AuditEvents HAPI's BALP capture builds. BALP asks
 * {@link TokenAuditContext} for the user agent's {@code who} but has no place for the purpose, so the
 * purpose rides on that Reference as (unserialized) user data and {@link #apply} moves it into
 * {@code agent.purposeOfUse} and {@code purposeOfEvent} before the event is stored.
 */
public final class AuditPurpose {

	private static final String KEY = AuditPurpose.class.getName();

	private AuditPurpose() {}

	static Reference attach(Reference who, PurposeOfUse purpose) {
		if (purpose != null) {
			who.setUserData(KEY, purpose);
		}
		return who;
	}

	public static void apply(AuditEvent event) {
		for (AuditEvent.AuditEventAgentComponent agent : event.getAgent()) {
			if (agent.getWho().getUserData(KEY) instanceof PurposeOfUse purpose && !agent.hasPurposeOfUse()) {
				CodeableConcept code = new CodeableConcept(purpose.coding());
				agent.addPurposeOfUse(code);
				if (!event.hasPurposeOfEvent()) {
					event.addPurposeOfEvent(code.copy());
				}
			}
		}
	}
}
