package org.consentfhir.interceptors.consent;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * The shape of an emergency override as a Consent ({@link PrivacyConsents}): a permit for one
 * practitioner, purposes {@code BTG} and {@code ETREAT}, a period from its start to its expiry, and
 * the HL7 security label {@code BTG} in {@code meta.security}, which is what marks it. Because the
 * period ends it, expiry needs no job.
 */
public final class BreakGlassConsents {

	private BreakGlassConsents() {}

	public static boolean isBreakGlass(Consent consent) {
		return consent.getMeta().getSecurity().stream()
				.anyMatch(c -> PurposeOfUse.SYSTEM.equals(c.getSystem()) && PurposeOfUse.BTG.code().equals(c.getCode()));
	}

	private static boolean coversActor(Consent consent, Set<String> actors) {
		return consent.getProvision().getActor().stream()
				.map(a -> a.getReference().getReferenceElement().toUnqualifiedVersionless().getValue())
				.anyMatch(actors::contains);
	}

	/** An active break-glass Consent of one of these actors, inside its period at this instant. */
	public static boolean grants(Consent consent, Set<String> actors, Instant at) {
		return consent.getStatus() == Consent.ConsentState.ACTIVE
				&& isBreakGlass(consent)
				&& coversActor(consent, actors)
				&& ConsentDecider.within(consent.getProvision().getPeriod(), at);
	}

	/** A new, active break-glass Consent. */
	public static Consent create(String patientId, String practitioner, String reason, Instant start, Instant end) {
		Consent consent = PrivacyConsents.permit(patientId, List.of(practitioner), List.of(PurposeOfUse.BTG, PurposeOfUse.ETREAT), start);
		consent.getMeta().addSecurity(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.BTG.code(), "break the glass"));
		consent.addPerformer(new Reference(practitioner));
		consent.getPolicyRule().setText("Emergency access (break-the-glass): " + reason);
		consent.getPolicyRule().addCoding(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.BTG.code(), "break the glass"));
		consent.getProvision().setPeriod(new Period().setStart(Date.from(start)).setEnd(Date.from(end)));
		return consent;
	}
}
