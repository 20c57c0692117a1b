package org.consentfhir.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentfhir.interceptors.consent.AccessRequest;
import org.consentfhir.interceptors.consent.ConsentDecider;
import org.consentfhir.interceptors.consent.ConsentDecision;
import org.consentfhir.interceptors.consent.ConsentSource;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;

/**
 * {@code Patient/{id}/$consent-check?actor=Practitioner/1&actor=Organization/2&purpose=TREAT[&type=Observation]}:
 * may these actors use this patient's data for this purpose now, and why. Answers Parameters with
 * {@code decision} (permit | deny), {@code reason} (a sentence), {@code consent} (the deciding
 * Consent, if one decided), {@code purpose} and {@code at}. Reads the patient's Consents through
 * the same {@link ConsentSource} as enforcement, so a revocation shows in the very next answer.
 */
public class ConsentCheckOperation implements FhirOperation {

	private static final java.util.regex.Pattern ACTOR = java.util.regex.Pattern.compile(
			"^(Practitioner|PractitionerRole|Organization|CareTeam|RelatedPerson|Patient|Device)/[A-Za-z0-9\\-.]{1,64}$");

	private final DaoRegistry daos;
	private final ConsentDecider decider;
	private final ConsentSource source;
	private final Clock clock;

	public ConsentCheckOperation(DaoRegistry daos, ConsentDecider decider, ConsentSource source, Clock clock) {
		this.daos = daos;
		this.decider = decider;
		this.source = source;
		this.clock = clock;
	}

	/** A reader of Consents (a patient: their own) may ask; it answers a decision, no record. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of(OperationRule.onPatient("$consent-check", "Consent", "Consent", false));
	}

	@Operation(name = "$consent-check", idempotent = true, type = Patient.class)
	public Parameters consentCheck(
			@IdParam IdType patientId,
			@OperationParam(name = "actor", min = 1, max = OperationParam.MAX_UNLIMITED) List<StringType> actors,
			@OperationParam(name = "purpose", min = 1, max = 1) CodeType purposeCode,
			@OperationParam(name = "type", max = 1) CodeType resourceType) {
		PurposeOfUse purpose = PurposeOfUse.of(purposeCode == null ? null : purposeCode.getValue()).orElseThrow(() ->
				new InvalidRequestException("purpose must be one of " + List.of(PurposeOfUse.values())));
		Set<String> actorReferences = actors.stream().map(StringType::getValue).collect(Collectors.toSet());
		if (actorReferences.stream().anyMatch(a -> a == null || !ACTOR.matcher(a).matches())) {
			throw new InvalidRequestException("each actor must be a reference such as Practitioner/123 or Organization/45");
		}
		String patient = daos.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), new SystemRequestDetails())
				.getIdElement().getIdPart();

		AccessRequest request = new AccessRequest(patient, actorReferences, purpose,
				resourceType == null ? null : resourceType.getValue(), null, clock.instant(), false);
		source.beginRequest(); // current even when the policy interceptors are switched off
		ConsentDecision decision = decider.decide(request, source.consentsOf(patient));

		Parameters answer = new Parameters();
		answer.addParameter("decision", new CodeType(decision.permitted() ? "permit" : "deny"));
		answer.addParameter("reason", new StringType(decision.reason()));
		if (decision.decidingConsent() != null) {
			answer.addParameter().setName("consent").setValue(new Reference(decision.decidingConsent()));
		}
		answer.addParameter("purpose", new CodeType(purpose.code()));
		answer.addParameter().setName("at").setValue(new InstantType(java.util.Date.from(request.at())));
		return answer;
	}
}
