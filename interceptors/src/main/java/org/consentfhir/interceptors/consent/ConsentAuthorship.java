package org.consentfhir.interceptors.consent;

import java.util.ArrayList;
import java.util.List;
import org.consentfhir.interceptors.auth.Role;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.RelatedPerson;

/**
 * Who may write (create, change or delete) a Consent, the rule that keeps consent a control over
 * staff rather than something staff grant themselves:
 * <ol>
 *   <li>the patient, for their own Consents;</li>
 *   <li>a representative the patient's record names: a RelatedPerson of that patient signed in as
 *       {@code fhirUser RelatedPerson/…};</li>
 *   <li>the registration desk (role {@code registrar}) and system clients, only with evidence of
 *       the patient's agreement ({@code Consent.sourceAttachment} or {@code sourceReference}: the
 *       signed form, the ABDM artefact) and never a Consent that permits the writer, their
 *       organization or their care team;</li>
 *   <li>clients the site trusts with every record (integration engines), and the server itself
 *       (break-glass, the registration rule), which write without a token.</li>
 * </ol>
 * Everyone else, clinicians included, is refused: break-the-glass is the only emergency path.
 */
public final class ConsentAuthorship {

	private final StoredResources stored;

	public ConsentAuthorship(StoredResources stored) {
		this.stored = stored;
	}

	/** Why this caller may not write this Consent, or null when they may. */
	public String refusal(ConsentCaller caller, Consent consent) {
		if (caller == null || caller.trusted()) {
			return null;
		}
		String patient = consent.getPatient().getReferenceElement().getIdPart();
		if (patient != null && caller.isPatient(patient)) {
			return null;
		}
		if (patient != null && representsPatient(caller, patient)) {
			return null;
		}
		if (caller.role() != null && caller.role() != Role.REGISTRAR) {
			return "a Consent is written by the patient, a representative the patient's record names, or the registration desk "
					+ "(role registrar) with evidence of the patient's agreement; a " + caller.role().id()
					+ " may not write one (break-the-glass is the emergency path)";
		}
		if (!consent.hasSourceAttachment() && !consent.hasSourceReference()) {
			return "a Consent recorded for the patient by someone else needs evidence of the patient's agreement "
					+ "(sourceAttachment: the signed form, or sourceReference)";
		}
		if (permitsEveryone(consent.getProvision(), Consent.ConsentProvisionType.PERMIT)) {
			return "a Consent recorded for the patient by someone else must name whom it permits: a permit without actors "
					+ "would permit the one who records it too";
		}
		List<String> selfGranted = permittedActors(consent.getProvision()).stream().filter(caller.actors()::contains).toList();
		if (!selfGranted.isEmpty()) {
			return "a Consent may not permit the one who records it, nor their organization or care team: " + selfGranted;
		}
		return null;
	}

	private boolean representsPatient(ConsentCaller caller, String patient) {
		for (String actor : caller.actors()) {
			if (actor.startsWith("RelatedPerson/")) {
				boolean represents = stored.read(new IdType(actor)).filter(RelatedPerson.class::isInstance).map(RelatedPerson.class::cast)
						.filter(person -> !person.hasActive() || person.getActive())
						.filter(person -> patient.equals(person.getPatient().getReferenceElement().getIdPart()))
						.isPresent();
				if (represents) {
					return true;
				}
			}
		}
		return false;
	}

	/** Whether a provision, or a nested one, permits without naming any actor (and so permits anyone). */
	private static boolean permitsEveryone(Consent.ProvisionComponent provision, Consent.ConsentProvisionType inherited) {
		Consent.ConsentProvisionType type = provision.hasType() ? provision.getType() : inherited;
		if (type != Consent.ConsentProvisionType.DENY && !provision.hasActor()) {
			return true;
		}
		return provision.getProvision().stream().anyMatch(nested -> permitsEveryone(nested, type));
	}

	/** The actors a provision or any nested provision permits (a provision without a type permits, as its parent). */
	private static List<String> permittedActors(Consent.ProvisionComponent provision) {
		List<String> actors = new ArrayList<>();
		collect(provision, Consent.ConsentProvisionType.PERMIT, actors);
		return actors;
	}

	private static void collect(Consent.ProvisionComponent provision, Consent.ConsentProvisionType inherited, List<String> actors) {
		Consent.ConsentProvisionType type = provision.hasType() ? provision.getType() : inherited;
		if (type != Consent.ConsentProvisionType.DENY) {
			// normalised as the decision normalises them: Practitioner/7/_history/1 is Practitioner/7
			provision.getActor().stream()
					.map(actor -> actor.getReference().getReferenceElement().toUnqualifiedVersionless().getValue())
					.filter(java.util.Objects::nonNull) // an actor named by identifier only (an ABDM HIU) is nobody's local reference
					.forEach(actors::add);
		}
		provision.getProvision().forEach(nested -> collect(nested, type, actors));
	}
}
