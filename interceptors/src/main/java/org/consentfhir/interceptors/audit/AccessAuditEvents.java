package org.consentfhir.interceptors.audit;

import org.consentfhir.interceptors.FhirIds;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import java.util.Date;
import java.util.List;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentDecision;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * The AuditEvents this server writes beyond HAPI's BALP capture:
 * <ul>
 *   <li>a consent decision (BALP AuthZ-Consent, DICOM 110113 "Security Alert"): a denial (outcome 4)
 *       or a break-glass permit (outcome 0), naming the patient, the deciding Consent and the reason;</li>
 *   <li>an emergency override started (DCM 110127) or stopped (DCM 110138), with its reason;</li>
 *   <li>a patient's records shown by an operation ({@code $everything}, {@code $summary}), which BALP
 *       does not record: one per patient, type {@code rest}, subtype {@code operation};</li>
 *   <li>documents disclosed outside the server ({@code $abdm-export}, {@code $abdm-hi-request}):
 *       BALP PrivacyDisclosure at the source, DICOM 110106 Export;</li>
 *   <li>a lookup by fingerprint, and a search of the launch patient picker (DICOM 110112 Query).</li>
 * </ul>
 * Each names the user and client as BALP's own events do, and carries the purpose of use.
 */
public final class AccessAuditEvents {

	public static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
	public static final String SECURITY_ALERT = "110113";
	public static final String EMERGENCY_OVERRIDE_STARTED = "110127";
	public static final String EMERGENCY_OVERRIDE_STOPPED = "110138";
	public static final String AUTHZ_SUBTYPE_SYSTEM = "https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType";
	public static final String AUTHZ_CONSENT = "AuthZ-Consent";
	public static final String AUTHZ_CONSENT_PROFILE = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.AuthZconsent";
	public static final String PRIVACY_DISCLOSURE_SOURCE_PROFILE =
			"https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PrivacyDisclosure.Source";

	private final IBalpAuditContextServices context;

	public AccessAuditEvents(IBalpAuditContextServices context) {
		this.context = context;
	}

	/** A consent decision worth its own record: a denial, or a permit only break-glass gave. */
	public AuditEvent consentDecision(RequestDetails request, ConsentCaller caller, String patientId, ConsentDecision decision) {
		AuditEvent event = common(request, caller, decision.breakGlass() ? PurposeOfUse.BTG : caller == null ? null : caller.purpose());
		event.getMeta().addProfile(AUTHZ_CONSENT_PROFILE);
		event.addSubtype(new Coding(AUTHZ_SUBTYPE_SYSTEM, AUTHZ_CONSENT, "Authorization Decision using Roles and Consent"));
		if (decision.breakGlass() && decision.decidingConsent() == null) {
			event.addSubtype(new Coding(DCM, EMERGENCY_OVERRIDE_STARTED, "Emergency Override Started"));
		}
		event.setOutcome(decision.permitted() ? AuditEventOutcome._0 : AuditEventOutcome._4);
		event.setOutcomeDesc(decision.reason());
		addPatient(event, patientId);
		if (decision.decidingConsent() != null) {
			event.addEntity().setWhat(new org.hl7.fhir.r4.model.Reference(decision.decidingConsent()))
					.setType(new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, "System Object"))
					.setDescription("the deciding Consent");
		}
		return event;
	}

	/** An emergency override started or stopped through {@code $break-glass} / {@code $break-glass-end}. */
	public AuditEvent breakGlass(RequestDetails request, ConsentCaller caller, String patientId, String consentId, String reason, boolean started) {
		AuditEvent event = common(request, caller, PurposeOfUse.BTG);
		event.addPurposeOfEvent(new CodeableConcept(PurposeOfUse.ETREAT.coding()));
		event.addSubtype(started
				? new Coding(DCM, EMERGENCY_OVERRIDE_STARTED, "Emergency Override Started")
				: new Coding(DCM, EMERGENCY_OVERRIDE_STOPPED, "Emergency Override Stopped"));
		event.setOutcome(AuditEventOutcome._0);
		event.setOutcomeDesc(reason);
		addPatient(event, patientId);
		event.addEntity().setWhat(new org.hl7.fhir.r4.model.Reference(consentId))
				.setType(new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, "System Object"))
				.setDescription("the break-glass Consent");
		return event;
	}

	/** Records of one patient shown by an operation, named in the event's query entity. */
	public AuditEvent operationRead(RequestDetails request, String operation, String patientId) {
		AuditEvent event = common(request, null, null);
		event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation"));
		event.addSubtype(new Coding("http://hl7.org/fhir/restful-interaction", "operation", "operation"));
		event.setOutcome(AuditEventOutcome._0);
		event.setOutcomeDesc(operation + " showed records of Patient/" + patientId);
		addPatient(event, patientId);
		event.addEntity().setDescription(operation)
				.setType(new Coding("https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType", "XrequestId", "request"))
				.getWhat().getIdentifier().setValue(request.getRequestId());
		return event;
	}

	/**
	 * Documents of one patient disclosed outside this server (IHE BALP PrivacyDisclosure at the
	 * source: DICOM 110106 Export, ISO 21089 {@code disclose}): the recipient as the destination
	 * agent, the purpose, the patient and each document by its {@code Bundle.identifier}.
	 *
	 * @param recipient        who receives the documents (the caller itself for a download, an HIU for a push)
	 * @param recipientAddress where they went (the push URL), or null when they went back to the caller
	 */
	public AuditEvent disclosure(RequestDetails request, ConsentCaller caller, String patientId, String recipient, String recipientAddress,
			Coding purpose, List<String> documents) {
		AuditEvent event = common(request, caller, null);
		event.getMeta().addProfile(PRIVACY_DISCLOSURE_SOURCE_PROFILE);
		event.setType(new Coding(DCM, "110106", "Export"));
		event.addSubtype(new Coding("http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "disclose", "Disclose Record Lifecycle Event"));
		event.setAction(AuditEventAction.R);
		event.setOutcome(AuditEventOutcome._0);
		event.setOutcomeDesc(documents.size() + " document(s) of Patient/" + patientId + " disclosed to " + recipient);
		if (purpose != null) {
			event.addPurposeOfEvent(new CodeableConcept(purpose));
		}
		AuditEvent.AuditEventAgentComponent destination = event.addAgent();
		destination.getType().addCoding(new Coding(DCM, "110152", "Destination Role ID"));
		destination.getWho().setDisplay(recipient);
		destination.setRequestor(false);
		if (recipientAddress != null) {
			destination.getNetwork().setAddress(recipientAddress).setType(AuditEvent.AuditEventAgentNetworkType._5);
		}
		addPatient(event, patientId);
		for (String document : documents) {
			event.addEntity().setDescription("document Bundle")
					.setType(new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, "System Object"))
					.setRole(new Coding(BalpConstants.CS_OBJECT_ROLE, "3", "Report"))
					.getWhat().getIdentifier().setValue(document);
		}
		return event;
	}

	/**
	 * A lookup of a patient by a biometric identifier ({@code Patient/$biometric-match}): DICOM
	 * 110112 Query, the patient found (if any, and shown to the caller); never the template or its hash.
	 */
	public AuditEvent biometricLookup(RequestDetails request, ConsentCaller caller, String foundPatientId) {
		AuditEvent event = common(request, caller, caller == null ? null : caller.purpose());
		event.setType(new Coding(DCM, "110112", "Query"));
		event.addSubtype(new Coding("https://consentfhir.org/fhir/CodeSystem/audit-subtype", "biometric-match", "Patient lookup by fingerprint"));
		event.setOutcome(AuditEventOutcome._0);
		event.setOutcomeDesc(foundPatientId == null ? "no patient shown" : "one patient shown");
		if (foundPatientId != null) {
			addPatient(event, foundPatientId);
		}
		return event;
	}

	/**
	 * A search of the launch patient picker ({@code /launch/select-patient}): DICOM 110112 Query,
	 * naming each patient it showed (only those the user may see are shown).
	 */
	public AuditEvent patientPickerSearch(RequestDetails request, ConsentCaller caller, List<String> shownPatientIds) {
		AuditEvent event = common(request, caller, caller == null ? null : caller.purpose());
		event.setType(new Coding(DCM, "110112", "Query"));
		event.addSubtype(new Coding("https://consentfhir.org/fhir/CodeSystem/audit-subtype", "patient-picker", "Patient picker search of a SMART launch"));
		event.setOutcome(AuditEventOutcome._0);
		event.setOutcomeDesc(shownPatientIds.size() + " patient(s) shown");
		shownPatientIds.forEach(patient -> addPatient(event, patient));
		return event;
	}

	private AuditEvent common(RequestDetails request, ConsentCaller caller, PurposeOfUse purpose) {
		AuditEvent event = new AuditEvent();
		event.setType(new Coding(DCM, SECURITY_ALERT, "Security Alert"));
		event.setAction(AuditEventAction.E);
		event.setRecorded(new Date());
		event.getSource().getObserver().setDisplay(request.getFhirServerBase());

		AuditEvent.AuditEventAgentComponent user = event.addAgent();
		user.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"));
		user.setWho(context.getAgentUserWho(request));
		user.setRequestor(true);
		AuditEvent.AuditEventAgentComponent client = event.addAgent();
		client.getType().addCoding(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110153", "Source Role ID"));
		client.setWho(context.getAgentClientWho(request));
		client.getNetwork().setAddress(context.getNetworkAddress(request)).setType(context.getNetworkAddressType(request));
		client.setRequestor(false);
		if (purpose != null) {
			CodeableConcept code = new CodeableConcept(purpose.coding());
			event.addPurposeOfEvent(code);
			user.addPurposeOfUse(code.copy());
		}
		if (caller != null && caller.breakGlassReason() != null) {
			event.addEntity().setDescription("break-glass reason").setName(caller.breakGlassReason())
					.setType(new Coding("https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType", "XrequestId", "request"))
					.getWhat().getIdentifier().setValue(request.getRequestId());
		}
		return event;
	}

	private static void addPatient(AuditEvent event, String patientId) {
		AuditEvent.AuditEventEntityComponent patient = event.addEntity();
		patient.setType(new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON, BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON_DISPLAY));
		patient.setRole(new Coding(BalpConstants.CS_OBJECT_ROLE, BalpConstants.CS_OBJECT_ROLE_1_PATIENT, BalpConstants.CS_OBJECT_ROLE_1_PATIENT_DISPLAY));
		if (FhirIds.isId(patientId)) {
			patient.getWhat().setReference("Patient/" + patientId);
		} else {
			patient.getWhat().setDisplay("Patient/" + patientId); // not a stored patient: no reference to break the write
		}
	}
}
