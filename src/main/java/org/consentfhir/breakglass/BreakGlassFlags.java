package org.consentfhir.breakglass;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Instant;
import java.util.Date;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Flag that tells a patient and their doctors that their record was opened in an emergency:
 * category {@code admin}, code {@code BTG}, who and why in its text, the override's period. A flag
 * of a {@code $break-glass} override carries the Consent's id as identifier, so ending the override
 * ends the flag's period too.
 */
public class BreakGlassFlags {

	public static final String CONSENT_IDENTIFIER_SYSTEM = "urn:consentfhir:break-glass-consent";

	private final IFhirResourceDao<Flag> dao;

	public BreakGlassFlags(DaoRegistry daos) {
		this.dao = daos.getResourceDao(Flag.class);
	}

	/** Raises a flag; {@code consentId} and {@code end} are null for a single-request break-the-glass. */
	public String raise(String patientId, String who, String reason, String consentId, Instant end) {
		Flag flag = new Flag();
		flag.setStatus(Flag.FlagStatus.ACTIVE);
		flag.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/flag-category", "admin", "Administrative")));
		flag.setCode(new CodeableConcept(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.BTG.code(), "break the glass"))
				.setText("Emergency access (break-the-glass) by " + who + ": " + reason));
		flag.setSubject(new Reference("Patient/" + patientId));
		Instant now = Instant.now();
		flag.getPeriod().setStart(Date.from(now)).setEnd(Date.from(end == null ? now : end));
		flag.setAuthor(new Reference().setDisplay(who));
		if (consentId != null) {
			flag.addIdentifier().setSystem(CONSENT_IDENTIFIER_SYSTEM).setValue(consentId);
		}
		return dao.create(flag, new SystemRequestDetails()).getId().toUnqualifiedVersionless().getValue();
	}

	/** Ends the period of the flag of this override. */
	public void end(String consentId, Instant at) {
		SearchParameterMap search = SearchParameterMap.newSynchronous("identifier", new TokenParam(CONSENT_IDENTIFIER_SYSTEM, consentId));
		dao.search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(Flag.class::cast)
				.forEach(flag -> {
					flag.getPeriod().setEnd(Date.from(at));
					dao.update(flag, new SystemRequestDetails());
				});
	}
}
