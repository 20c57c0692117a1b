package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;

/**
 * Settles the {@link ConsentCaller} of a request from its verified {@link AccessToken} and headers,
 * once, and keeps it in the request's user data (transaction entries and later pages share it).
 *
 * <p>Purpose of use, first found wins: the {@value #PURPOSE_HEADER} header, the token's
 * {@code purpose_of_use} claim, then the role's default ({@code TREAT} for doctors and nurses). A
 * per-request break-the-glass is purpose {@code BTG} with a {@value #BREAK_GLASS_REASON_HEADER}
 * header, allowed to the break-glass roles only.
 */
public final class ConsentCallers {

	public static final String PURPOSE_HEADER = "X-Purpose-Of-Use";
	public static final String BREAK_GLASS_REASON_HEADER = "X-Break-Glass-Reason";

	private final ConsentSource source;
	private final Set<String> trustedClients;
	private final Set<Role> breakGlassRoles;

	public ConsentCallers(ConsentSource source, Set<String> trustedClients, Set<Role> breakGlassRoles) {
		this.source = source;
		this.trustedClients = Set.copyOf(trustedClients);
		this.breakGlassRoles = Set.copyOf(breakGlassRoles);
	}

	/** The request's caller, or null for a request without a verified token (an internal one). */
	public ConsentCaller of(RequestDetails request) {
		Object known = request.getUserData().get(ConsentCaller.USER_DATA_KEY);
		if (known instanceof ConsentCaller caller) {
			return caller;
		}
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null) {
			return null;
		}
		source.beginRequest();
		ConsentCaller caller = resolve(request, token);
		request.getUserData().put(ConsentCaller.USER_DATA_KEY, caller);
		return caller;
	}

	/**
	 * The caller a token stands for outside any request, such as a Subscription's subscriber when a
	 * notification is delivered: purpose from the token or the role, never break-the-glass.
	 */
	public ConsentCaller withoutRequest(AccessToken token) {
		source.beginRequest();
		return resolve(null, token);
	}

	private ConsentCaller resolve(RequestDetails request, AccessToken token) {
		String header = request == null ? null : request.getHeader(PURPOSE_HEADER);
		PurposeOfUse purpose;
		String purposeSource;
		if (header != null && !header.isBlank()) {
			purpose = purposeOrBadRequest(header, "The " + PURPOSE_HEADER + " header");
			purposeSource = "header";
		} else if (token.purposeOfUse() != null) {
			purpose = purposeOrBadRequest(token.purposeOfUse(), "The token's purpose_of_use claim");
			purposeSource = "token";
		} else if (token.role() == Role.DOCTOR || token.role() == Role.NURSE) {
			purpose = PurposeOfUse.TREAT;
			purposeSource = "role default";
		} else {
			purpose = null;
			purposeSource = "none";
		}

		String breakGlassReason = null;
		if (purpose == PurposeOfUse.BTG && request != null) {
			if (token.role() == null || !breakGlassRoles.contains(token.role())) {
				throw new ForbiddenOperationException("Break-the-glass (purpose BTG) is allowed to the roles "
						+ breakGlassRoles.stream().map(Role::id).sorted().toList() + " only");
			}
			breakGlassReason = request.getHeader(BREAK_GLASS_REASON_HEADER);
			if (breakGlassReason == null || breakGlassReason.isBlank()) {
				throw new InvalidRequestException("Break-the-glass (purpose BTG) needs a reason in the "
						+ BREAK_GLASS_REASON_HEADER + " header");
			}
			breakGlassReason = breakGlassReason.strip();
		}

		Set<String> actors = new HashSet<>();
		String person = token.fhirUser() == null ? null : localReference(token.fhirUser());
		if (person != null && !person.startsWith("Patient/")) {
			actors.add(person);
			actors.addAll(source.affiliationsOf(person));
		}
		String selfPatient = person != null && person.startsWith("Patient/")
				? person.substring("Patient/".length())
				: token.role() == Role.PATIENT ? token.patient() : null;
		// a device writes for the patients it is assigned to (DeviceAssignmentInterceptor); its scope reads nothing
		boolean trusted = token.role() == Role.DEVICE || token.clientId() != null && trustedClients.contains(token.clientId());
		return new ConsentCaller(actors, selfPatient, purpose, purposeSource, trusted, breakGlassReason, token.describe(), token.role());
	}

	private static PurposeOfUse purposeOrBadRequest(String code, String where) {
		return PurposeOfUse.of(code).orElseThrow(() -> new InvalidRequestException(
				where + " must be one of " + List.of(PurposeOfUse.values()) + " (HL7 v3 ActReason), not: " + code));
	}

	/** {@code https://host/fhir/Practitioner/1} or {@code Practitioner/1} → {@code Practitioner/1}. */
	static String localReference(String reference) {
		String[] parts = reference.split("/");
		return parts.length < 2 ? reference : parts[parts.length - 2] + "/" + parts[parts.length - 1];
	}
}
