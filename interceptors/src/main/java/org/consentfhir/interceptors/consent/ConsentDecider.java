package org.consentfhir.interceptors.consent;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.Period;

/**
 * Decides an {@link AccessRequest} from the patient's Consent resources, the way FHIR reads them:
 *
 * <ul>
 *   <li>Only {@code active} Consents with scope {@code patient-privacy}, for this patient, inside
 *       their {@code provision.period}, count.</li>
 *   <li>A provision applies when each of its conditions holds: one of its {@code actor}s is asking,
 *       the {@code purpose} is one of its purposes, the record type is one of its {@code class}es,
 *       now is inside its {@code period}, the record was made inside its {@code dataPeriod} (the
 *       Patient resource itself, which has no date, is inside a permit's and outside a deny's). A
 *       condition it does not state always holds.</li>
 *   <li>A provision's {@code type} (permit or deny) is its answer, unless a nested provision that
 *       applies says otherwise; among nested provisions that apply, deny wins.</li>
 *   <li>Across Consents, a deny overrides a permit. No answer: the site's {@link DefaultConsentPolicy}.</li>
 *   <li>The patient always has access to their own record.</li>
 *   <li>An active break-glass Consent ({@link BreakGlassConsents}) of one of the asking actors, inside
 *       its period, permits whatever the other Consents say and whatever the purpose.</li>
 *   <li>Otherwise a request without a purpose of use is denied.</li>
 * </ul>
 */
public final class ConsentDecider {

	public static final String SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope";
	public static final String PATIENT_PRIVACY = "patient-privacy";

	private final DefaultConsentPolicy defaultPolicy;

	public ConsentDecider(DefaultConsentPolicy defaultPolicy) {
		this.defaultPolicy = defaultPolicy;
	}

	public ConsentDecision decide(AccessRequest request, List<Consent> consents) {
		if (request.patientSelf()) {
			return ConsentDecision.permit(null, "the patient has access to their own record");
		}
		for (Consent consent : consents) {
			if (counts(consent, request) && BreakGlassConsents.grants(consent, request.actors(), request.at())) {
				String id = consent.getIdElement().toUnqualifiedVersionless().getValue();
				return ConsentDecision.breakGlass(id, id + " (break-glass until "
						+ consent.getProvision().getPeriod().getEndElement().getValueAsString() + ") permits " + describe(request));
			}
		}
		if (request.purpose() == null) {
			return ConsentDecision.deny(null, "no purpose of use was given for " + describe(request)
					+ " (header X-Purpose-Of-Use or token claim purpose_of_use)");
		}
		ConsentDecision permit = null;
		for (Consent consent : consents) {
			if (!counts(consent, request)) {
				continue;
			}
			ConsentProvisionType answer = answer(consent.getProvision(), request);
			String id = consent.getIdElement().toUnqualifiedVersionless().getValue();
			if (answer == ConsentProvisionType.DENY) {
				return ConsentDecision.deny(id, id + " denies " + describe(request));
			}
			if (answer == ConsentProvisionType.PERMIT && permit == null) {
				permit = ConsentDecision.permit(id, id + " permits " + describe(request));
			}
		}
		if (permit != null) {
			return permit;
		}
		return defaultPolicy == DefaultConsentPolicy.OPT_OUT
				? ConsentDecision.permit(null, "no Consent of the patient denies " + describe(request) + " (site policy: opt-out)")
				: ConsentDecision.deny(null, "no Consent of the patient permits " + describe(request) + " (site policy: opt-in)");
	}

	/** Whether any provision of these Consents, nested ones too, is limited to records of a period ({@code dataPeriod}). */
	public static boolean looksAtRecordDates(List<Consent> consents) {
		return consents.stream().anyMatch(consent -> consent.hasProvision() && limitsRecordDates(consent.getProvision()));
	}

	private static boolean limitsRecordDates(ProvisionComponent provision) {
		return provision.hasDataPeriod() || provision.getProvision().stream().anyMatch(ConsentDecider::limitsRecordDates);
	}

	private static boolean counts(Consent consent, AccessRequest request) {
		return consent.getStatus() == Consent.ConsentState.ACTIVE
				&& hasCode(consent.getScope(), SCOPE_SYSTEM, PATIENT_PRIVACY)
				&& request.patientId().equals(consent.getPatient().getReferenceElement().getIdPart())
				&& consent.hasProvision();
	}

	/** The provision's answer for the request, or null when it does not apply. */
	private static ConsentProvisionType answer(ProvisionComponent provision, AccessRequest request) {
		if (!applies(provision, request)) {
			return null;
		}
		ConsentProvisionType answer = provision.getType();
		ConsentProvisionType nested = null;
		for (ProvisionComponent exception : provision.getProvision()) {
			ConsentProvisionType inner = answer(exception, request);
			if (inner == ConsentProvisionType.DENY) {
				nested = ConsentProvisionType.DENY;
			} else if (inner == ConsentProvisionType.PERMIT && nested == null) {
				nested = ConsentProvisionType.PERMIT;
			}
		}
		return nested != null ? nested : answer;
	}

	/** An actor named by reference; one named only by identifier (an ABDM HIU) is none of the caller's actors. */
	private static boolean isOneOf(org.hl7.fhir.r4.model.Reference actor, java.util.Set<String> actors) {
		String reference = actor.getReferenceElement().toUnqualifiedVersionless().getValue();
		return reference != null && actors.contains(reference);
	}

	private static boolean applies(ProvisionComponent provision, AccessRequest request) {
		if (provision.hasActor() && provision.getActor().stream().noneMatch(a -> isOneOf(a.getReference(), request.actors()))) {
			return false;
		}
		if (provision.hasPurpose() && request.purpose() == null) {
			return false;
		}
		if (provision.hasPurpose() && provision.getPurpose().stream()
				.noneMatch(p -> PurposeOfUse.SYSTEM.equals(p.getSystem()) && request.purpose().code().equals(p.getCode()))) {
			return false;
		}
		if (provision.hasClass_() && (request.resourceType() == null
				|| provision.getClass_().stream().noneMatch(c -> request.resourceType().equals(c.getCode())))) {
			return false;
		}
		if (provision.hasPeriod() && !within(provision.getPeriod(), request.at())) {
			return false;
		}
		if (!provision.hasDataPeriod()) {
			return true;
		}
		if (request.recordDate() == null) {
			// the Patient resource is the person, not a record of some date: a permit for a period's records
			// shares the demographics that go with them, and a deny of a period's records does not deny the person
			return "Patient".equals(request.resourceType()) && provision.getType() == ConsentProvisionType.PERMIT;
		}
		return within(provision.getDataPeriod(), request.recordDate());
	}

	static boolean within(Period period, Instant instant) {
		return (!period.hasStart() || !instant.isBefore(period.getStart().toInstant()))
				&& (!period.hasEnd() || !instant.isAfter(period.getEnd().toInstant()));
	}

	private static boolean hasCode(CodeableConcept concept, String system, String code) {
		for (Coding coding : concept.getCoding()) {
			if (system.equals(coding.getSystem()) && code.equals(coding.getCode())) {
				return true;
			}
		}
		return false;
	}

	private static String describe(AccessRequest request) {
		return (request.resourceType() == null ? "access" : request.resourceType() + " access") + " to Patient/"
				+ request.patientId() + " for " + (request.purpose() == null ? "no stated purpose" : request.purpose().code()) + " by " + (request.actors().isEmpty()
						? "a caller who acts for no Practitioner, Organization or CareTeam of this server (a token without fhirUser)"
						: String.join(", ", request.actors().stream().sorted().toList()));
	}
}
