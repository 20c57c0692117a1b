package org.consentfhir.auth.server;

import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;

/**
 * Puts every sign-in at the built-in authorization server on the record: an AuditEvent of DICOM
 * type 110114 "User Authentication", subtype 110122 "Login", with the username, the outcome
 * (success, or why it failed: a wrong password, a disabled or a locked account).
 */
final class SignInAudit {

	static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
	static final String USERNAME_SYSTEM = "urn:consentfhir:username";

	private final IBalpAuditEventSink sink;

	SignInAudit(IBalpAuditEventSink sink) {
		this.sink = sink;
	}

	void succeeded(String username) {
		sink.recordAuditEvent(event(username, AuditEvent.AuditEventOutcome._0, "signed in"));
	}

	void failed(String username, String why) {
		sink.recordAuditEvent(event(username, AuditEvent.AuditEventOutcome._4, why));
	}

	private static AuditEvent event(String username, AuditEvent.AuditEventOutcome outcome, String description) {
		AuditEvent event = new AuditEvent();
		event.setType(new Coding(DCM, "110114", "User Authentication"));
		event.addSubtype(new Coding(DCM, "110122", "Login"));
		event.setAction(AuditEvent.AuditEventAction.E);
		event.setRecorded(new Date());
		event.setOutcome(outcome);
		event.setOutcomeDesc(description);
		event.addAgent().setRequestor(true).getWho()
				.setIdentifier(new Identifier().setSystem(USERNAME_SYSTEM).setValue(username == null ? "" : username))
				.setDisplay(username);
		event.getSource().getObserver().setDisplay("built-in authorization server");
		return event;
	}
}
