package org.consentfhir.auth.server;

import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.util.Date;
import org.consentfhir.interceptors.auth.AccessToken;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;

/**
 * Puts every change an administrator makes to who may sign in or call the server on the record:
 * an AuditEvent of DICOM type 110137 "User Security Attributes Changed" for a user created,
 * disabled, enabled or given a new password, a client registered (at {@code /connect/register} or as a device's), a client removed. It names the
 * administrator (client and person of the admin token) and the user or client changed. A client's
 * registration read back at {@code /connect/register} is on the record too, as a RESTful read.
 */
final class AdminAudit {

	static final String CLIENT_ID_SYSTEM = "urn:consentfhir:client-id";
	private static final Coding CHANGED = new Coding(SignInAudit.DCM, "110137", "User Security Attributes Changed");
	private static final Coding RESTFUL = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");
	private static final Coding READ = new Coding("http://hl7.org/fhir/restful-interaction", "read", "read");

	private final IBalpAuditEventSink sink;

	AdminAudit(IBalpAuditEventSink sink) {
		this.sink = sink;
	}

	/** A change to the user named {@code username}. */
	void userChanged(AccessToken admin, AuditEvent.AuditEventAction action, String username, String description) {
		sink.recordAuditEvent(event(admin, action, SignInAudit.USERNAME_SYSTEM, username, description));
	}

	/** A change to the OAuth client {@code clientId}. */
	void clientChanged(AccessToken admin, AuditEvent.AuditEventAction action, String clientId, String description) {
		sink.recordAuditEvent(event(admin, action, CLIENT_ID_SYSTEM, clientId, description));
	}

	/** A client registered at {@code /connect/register} by the client {@code registrar} (its token's subject). */
	void clientRegistered(String registrar, String clientId, String description) {
		sink.recordAuditEvent(event(registrar, "client " + registrar, null, AuditEvent.AuditEventAction.C, CLIENT_ID_SYSTEM, clientId, description));
	}

	/** The registration of {@code clientId} read at {@code /connect/register} by the client {@code reader} (its token's subject). */
	void clientRegistrationRead(String reader, String clientId) {
		AuditEvent event = event(reader, "client " + reader, null, AuditEvent.AuditEventAction.R, CLIENT_ID_SYSTEM, clientId,
				"client registration read at /connect/register");
		event.setType(RESTFUL.copy()).addSubtype(READ.copy());
		sink.recordAuditEvent(event);
	}

	private static AuditEvent event(AccessToken admin, AuditEvent.AuditEventAction action, String system, String changed,
			String description) {
		return event(admin.clientId(), admin.describe(), admin.fhirUser(), action, system, changed, description);
	}

	private static AuditEvent event(String adminClient, String adminDescription, String adminUser, AuditEvent.AuditEventAction action,
			String system, String changed, String description) {
		AuditEvent event = new AuditEvent();
		event.setType(CHANGED.copy());
		event.setAction(action);
		event.setRecorded(new Date());
		event.setOutcome(AuditEvent.AuditEventOutcome._0);
		event.setOutcomeDesc(description);
		AuditEvent.AuditEventAgentComponent requestor = event.addAgent().setRequestor(true);
		requestor.getWho().setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(adminClient)).setDisplay(adminDescription);
		if (adminUser != null) {
			requestor.getWho().setReference(adminUser);
		}
		event.addEntity().getWhat().setIdentifier(new Identifier().setSystem(system).setValue(changed)).setDisplay(changed);
		event.getSource().getObserver().setDisplay("built-in authorization server");
		return event;
	}
}
