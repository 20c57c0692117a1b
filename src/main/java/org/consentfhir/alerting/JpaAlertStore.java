package org.consentfhir.alerting;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.consentfhir.interceptors.alerting.Alert;
import org.consentfhir.interceptors.alerting.AlertResources;
import org.consentfhir.interceptors.alerting.AlertRule;
import org.consentfhir.interceptors.alerting.AlertStore;
import org.consentfhir.interceptors.alerting.PatientFacts;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * Writes alerts through HAPI's DAOs as the server's own writes (a {@link SystemRequestDetails}),
 * joining the reading's database transaction, so they commit or roll back with it.
 *
 * <p>One active Flag per patient and rule: it is looked up by {@code patient}, {@code code} and
 * {@code status=active} (the project's Flag search parameters) and updated to name the latest
 * crossing. Within one transaction (an uploaded backlog) the Flag is written once, for the first
 * crossing of its rule; later crossings of the same upload get their DetectedIssues only (the Flag
 * is remembered in the {@link TransactionDetails}, as it is not yet searchable there).
 */
class JpaAlertStore implements AlertStore {

	private static final String RAISED_KEY = JpaAlertStore.class.getName() + ".flags";

	private final IFhirResourceDao<DetectedIssue> issues;
	private final IFhirResourceDao<Flag> flags;
	private final IFhirResourceDao<Patient> patients;
	private final Clock clock;

	JpaAlertStore(DaoRegistry daos, Clock clock) {
		this.issues = daos.getResourceDao(DetectedIssue.class);
		this.flags = daos.getResourceDao(Flag.class);
		this.patients = daos.getResourceDao(Patient.class);
		this.clock = clock;
	}

	@Override
	public void record(Alert alert, Observation reading, String patientId, TransactionDetails transaction) {
		Date now = Date.from(clock.instant());
		DetectedIssue issue = AlertResources.detectedIssue(alert, reading, patientId, now);
		String issueId = issues.create(issue, new SystemRequestDetails()).getId().toUnqualifiedVersionless().getValue();

		Map<String, Flag> raised = raisedIn(transaction);
		String key = patientId + "|" + alert.rule().code();
		if (raised.containsKey(key)) {
			return; // this upload already raised or updated the Flag; the DetectedIssue records the crossing
		}
		Flag flag = activeFlag(patientId, alert.rule().code());
		if (flag == null) {
			flag = AlertResources.withLatest(AlertResources.newFlag(alert, reading, patientId, now), alert, issueId);
			flag.setId(flags.create(flag, new SystemRequestDetails()).getId().toUnqualifiedVersionless());
		} else {
			AlertResources.withLatest(flag, alert, issueId);
			flags.update(flag, new SystemRequestDetails());
		}
		raised.put(key, flag);
	}

	private Flag activeFlag(String patientId, String ruleCode) {
		SearchParameterMap search = SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patientId))
				.add("code", new TokenParam(AlertRule.CODE_SYSTEM, ruleCode))
				.add("status", new TokenParam("active"));
		search.setLoadSynchronousUpTo(1);
		var found = flags.search(search, new SystemRequestDetails()).getResources(0, 1);
		if (found.isEmpty()) {
			return null;
		}
		Flag flag = (Flag) found.get(0);
		flag.setId(flag.getIdElement().toUnqualifiedVersionless());
		return flag;
	}

	private static Map<String, Flag> raisedIn(TransactionDetails transaction) {
		return transaction.getOrCreateUserData(RAISED_KEY, () -> {
			Map<String, Flag> raised = new HashMap<>();
			transaction.addRollbackUndoAction(raised::clear); // a retried transaction starts afresh
			return raised;
		});
	}

	@Override
	public PatientFacts patientFacts(String patientId) {
		try {
			Patient patient = patients.read(new org.hl7.fhir.r4.model.IdType("Patient", patientId), new SystemRequestDetails());
			return new PatientFacts(patient.getGender(),
					patient.getBirthDate() == null ? null : patient.getBirthDate().toInstant().atZone(ZoneOffset.UTC).toLocalDate());
		} catch (RuntimeException notReadable) {
			return PatientFacts.UNKNOWN;
		}
	}
}
