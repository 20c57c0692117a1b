package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentDecisionLog;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.interceptors.transaction.TransactionPlaceholders;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Tells HAPI's BALP audit capture who is asking, from the request's verified {@link AccessToken}:
 * the user is the token's {@code fhirUser} (or, without one, its issuer and subject), the client is
 * the OAuth client id, both as identifiers, the client with the request's {@code User-Agent} as an
 * extension; the network address is the caller's.
 */
public class TokenAuditContext implements IBalpAuditContextServices {

	public static final String CLIENT_ID_SYSTEM = "urn:ietf:params:oauth:client-id";
	public static final String SUBJECT_SYSTEM = "urn:ietf:params:oauth:jwt-claims:sub";
	/** The SMART {@code fhirUser} claim, e.g. {@code Practitioner/123}. */
	public static final String FHIR_USER_SYSTEM = "http://hl7.org/fhir/smart-app-launch/fhirUser";
	/** The client's HTTP {@code User-Agent}, on the client agent's {@code who} (BALP has no element for it). */
	public static final String USER_AGENT_EXTENSION = "https://consentfhir.org/fhir/StructureDefinition/user-agent";

	@Override
	public Reference getAgentClientWho(RequestDetails requestDetails) {
		AccessToken token = token(requestDetails);
		String client = token == null || token.clientId() == null ? "unknown" : token.clientId();
		Reference who = new Reference().setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(client));
		String userAgent = requestDetails.getHeader("User-Agent");
		if (userAgent != null && !userAgent.isBlank()) {
			who.addExtension(USER_AGENT_EXTENSION, new StringType(userAgent.length() > 500 ? userAgent.substring(0, 500) : userAgent));
		}
		return who;
	}

	@Override
	public Reference getAgentUserWho(RequestDetails requestDetails) {
		AccessToken token = token(requestDetails);
		if (token == null) {
			return new Reference().setDisplay("anonymous");
		}
		// An identifier, not a reference: the audit must be stored even when the fhirUser is not a
		// resource of this server (an external identity provider's user), as referential integrity would refuse.
		Identifier identifier = token.fhirUser() != null
				? new Identifier().setSystem(FHIR_USER_SYSTEM).setValue(token.fhirUser())
				: new Identifier().setSystem(token.issuer() == null ? SUBJECT_SYSTEM : token.issuer()).setValue(token.subject());
		return AuditPurpose.attach(new Reference().setIdentifier(identifier).setDisplay(token.describe()), purposeOf(requestDetails));
	}

	@Override
	public String getNetworkAddress(RequestDetails requestDetails) {
		return requestDetails instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
				? servlet.getServletRequest().getRemoteAddr()
				: null;
	}

	/** References to the audited resources stay local ({@code Patient/1/_history/2}), as stored references must. */
	@Override
	public String massageResourceIdForStorage(RequestDetails requestDetails, IBaseResource resource, IIdType resourceId) {
		// a transaction's resources still name a new patient by its placeholder (urn:uuid:…)
		if (resourceId.getIdPart() != null && resourceId.getIdPart().startsWith("urn:")) {
			String stored = TransactionPlaceholders.storedId(requestDetails, resourceId.getIdPart());
			return stored != null ? "Patient/" + stored : resourceId.getIdPart();
		}
		return resourceId.toUnqualified().getValue();
	}

	/** The request's purpose of use; BTG when only an emergency override let it through. */
	private static PurposeOfUse purposeOf(RequestDetails requestDetails) {
		if (!(requestDetails.getUserData().get(ConsentCaller.USER_DATA_KEY) instanceof ConsentCaller caller)) {
			return null;
		}
		ConsentDecisionLog decisions = ConsentDecisionLog.ifAny(requestDetails);
		boolean brokeGlass = caller.breaksGlassForThisRequest() || decisions != null && decisions.hasBreakGlassPermit();
		return brokeGlass ? PurposeOfUse.BTG : caller.purpose();
	}

	private static AccessToken token(RequestDetails requestDetails) {
		return (AccessToken) requestDetails.getUserData().get(AccessToken.USER_DATA_KEY);
	}
}
