package org.consentfhir.interceptors.subscription;

import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.RevokedTokens;
import org.consentfhir.interceptors.auth.Role;
import org.consentfhir.interceptors.auth.SmartScope;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;

/**
 * Who a Subscription's notifications are for: the caller that last wrote it, as its verified token
 * said, with the scopes it had then. The server stamps it on {@code Subscription.channel} as
 * extensions under {@link #URL} (where HAPI keeps them for delivery) and removes any a client sent,
 * so it cannot be set or forged. A notification goes only where this subscriber could read what
 * matched, as a request with that token could, and not once the subscriber's user or client has
 * been revoked after the Subscription was written.
 *
 * @param clientId the OAuth client, or null
 * @param fhirUser the person, e.g. {@code Practitioner/1}, or null
 * @param patient  the token's patient, or null
 * @param role     the role id, or null
 * @param purpose  the token's purpose of use, or null
 * @param subject  the token's subject, or null
 * @param issuer   the token's issuer, or null
 * @param scopes   the token's resource scopes (as cut to the role's ceiling), space-separated, or null for none
 * @param written  when the Subscription was written with this token, or null for a stamp older than the field
 */
public record Subscriber(String clientId, String fhirUser, String patient, String role, String purpose,
		String subject, String issuer, String scopes, String written) {

	public static final String URL = "https://consentfhir.org/fhir/StructureDefinition/subscription-subscriber";
	private static final List<String> PARTS = List.of("client", "user", "patient", "role", "purpose", "subject", "issuer", "scopes", "written");

	static Subscriber of(AccessToken token, Instant written) {
		List<String> scopes = token.scopes().stream().map(SmartScope::toString).toList();
		return new Subscriber(token.clientId(), token.fhirUser(), token.patient(),
				token.role() == null ? null : token.role().id(), token.purposeOfUse(), token.subject(), token.issuer(),
				scopes.isEmpty() ? null : String.join(" ", scopes), written.toString());
	}

	/** The subscriber stamped on {@code subscription}, or empty for one never written with a token. */
	static Optional<Subscriber> of(CanonicalSubscription subscription) {
		String[] values = PARTS.stream().map(part -> subscription.getChannelExtension(url(part))).toArray(String[]::new);
		if (values[0] == null && values[1] == null) {
			return Optional.empty();
		}
		return Optional.of(new Subscriber(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8]));
	}

	/** Removes every stamp from {@code subscription} (a client's, or the previous writer's). */
	static void removeFrom(Subscription subscription) {
		subscription.getChannel().getExtension().removeIf(e -> e.getUrl() != null && e.getUrl().startsWith(URL));
	}

	void stampOn(Subscription subscription) {
		removeFrom(subscription);
		List<String> values = Arrays.asList(clientId, fhirUser, patient, role, purpose, subject, issuer, scopes, written);
		for (int i = 0; i < PARTS.size(); i++) {
			if (values.get(i) != null) {
				subscription.getChannel().addExtension(new Extension(url(PARTS.get(i)), new StringType(values.get(i))));
			}
		}
	}

	/** The subscriber as the token it wrote the Subscription with: who, through which client, which scopes. */
	AccessToken asToken() {
		List<String> granted = scopes == null ? List.of() : List.of(scopes.split(" "));
		List<SmartScope> resourceScopes = granted.stream().map(SmartScope::parse).flatMap(Optional::stream).toList();
		return new AccessToken(issuer, subject, clientId, resourceScopes, granted, patient, fhirUser,
				role == null ? null : Role.of(role).orElse(null), null, purpose);
	}

	/**
	 * What the revocation list is asked about this subscriber: its user and client, revoked after the
	 * Subscription was written. Empty for a subscriber whose token came from an external identity
	 * provider (the list names the built-in issuer's users and clients only).
	 */
	Optional<RevokedTokens.Candidate> revocationCandidate(Set<String> externalIssuers) {
		if (issuer != null && externalIssuers.contains(issuer)) {
			return Optional.empty();
		}
		return Optional.of(new RevokedTokens.Candidate(null, subject, clientId, writtenAt()));
	}

	/** When it was written; a stamp without the time counts as older than any revocation. */
	private Instant writtenAt() {
		try {
			return written == null ? null : Instant.parse(written);
		} catch (DateTimeParseException e) {
			return null;
		}
	}

	private static String url(String part) {
		return URL + "#" + part;
	}
}
