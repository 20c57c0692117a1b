package org.consentfhir.interceptors.consent;

import java.time.Instant;
import java.util.Set;

/**
 * One question for {@link ConsentDecider}: may these actors use this patient's data for this purpose now?
 *
 * @param patientId    the patient whose data it is
 * @param actors       who is asking, as references ({@code Practitioner/1}, {@code Organization/2}, {@code CareTeam/3})
 * @param purpose      why
 * @param resourceType the kind of record, or null for the record as a whole
 * @param recordDate   when the record was made (checked against {@code provision.dataPeriod}), or null
 * @param at           when the access happens (checked against the Consent's periods)
 * @param patientSelf  the patient asking about their own record
 */
public record AccessRequest(
		String patientId,
		Set<String> actors,
		PurposeOfUse purpose,
		String resourceType,
		Instant recordDate,
		Instant at,
		boolean patientSelf) {

	public AccessRequest {
		actors = Set.copyOf(actors);
	}
}
