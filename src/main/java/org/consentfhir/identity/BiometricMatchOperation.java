package org.consentfhir.identity;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.consentfhir.interceptors.consent.ConsentGate;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import java.util.List;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;
import org.consentfhir.interceptors.auth.SmartScope.Context;
import org.consentfhir.interceptors.auth.SmartScope.Permission;

/**
 * {@code POST Patient/$biometric-match} with {@code template}: the patient enrolled with that
 * fingerprint, as a searchset Bundle of at most one Patient, if the caller may see them (SMART
 * scopes and patient consent, as for a read; otherwise the Bundle is empty, as if there were no
 * match). Every lookup is an AuditEvent (DICOM Query, subtype {@code biometric-match}) naming the
 * patient shown, never the template or its hash.
 */
public class BiometricMatchOperation implements FhirOperation {

	private final DaoRegistry daos;
	private final BiometricIdentifiers identifiers;
	private final BiometricLookup lookup;
	private final ConsentCallers callers;
	private final ConsentGate gate;
	private final AccessAuditEvents events;
	private final IBalpAuditEventSink audit;

	BiometricMatchOperation(DaoRegistry daos, BiometricIdentifiers identifiers, BiometricLookup lookup, ConsentCallers callers,
			ConsentGate gate, AccessAuditEvents events, IBalpAuditEventSink audit) {
		this.daos = daos;
		this.identifiers = identifiers;
		this.lookup = lookup;
		this.callers = callers;
		this.gate = gate;
		this.events = events;
		this.audit = audit;
	}

	/** A lookup by fingerprint is a search of Patients: a user or system scope that searches them, and the answer must be readable. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of(OperationRule.whenAnyScope(s -> s.context() != Context.PATIENT && s.coversType("Patient") && s.allows(Permission.SEARCH),
				rules -> rules.allow("$biometric-match, for a searcher of Patients").operation().named("$biometric-match")
						.onType(Patient.class).andRequireExplicitResponseAuthorization()));
	}

	@Operation(name = "$biometric-match", type = Patient.class)
	public Bundle match(@OperationParam(name = "template", min = 1, max = 1) Base64BinaryType template, RequestDetails request) {
		String hash = identifiers.of(BiometricLookup.bytesOf(template));
		ConsentCaller caller = callers.of(request);
		Bundle answer = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		String shown = null;
		for (String id : lookup.patientsWith(hash)) {
			Patient patient = daos.getResourceDao(Patient.class).read(new IdType("Patient", id), new SystemRequestDetails());
			if (caller == null || caller.trusted() || gate.denialFor(caller, patient, request) == null) {
				answer.addEntry().setFullUrl(request.getFhirServerBase() + "/Patient/" + id).setResource(patient)
						.getSearch().setMode(Bundle.SearchEntryMode.MATCH);
				shown = id;
			}
		}
		answer.setTotal(answer.getEntry().size());
		audit.recordAuditEvent(events.biometricLookup(request, caller, shown));
		return answer;
	}
}
