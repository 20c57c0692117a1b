package org.consentfhir.interceptors.subscription;

import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import java.util.List;
import java.util.Optional;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;

/**
 * Who a Subscription's notifications are for: the caller that last wrote it, as its verified token
 * said. The server stamps it on {@code Subscription.channel} as extensions under {@link #URL} (where
 * HAPI keeps them for delivery) and removes any a client sent, so it cannot be set or forged.
 *
 * @param clientId the OAuth client, or null
 * @param fhirUser the person, e.g. {@code Practitioner/1}, or null
 * @param patient  the token's patient, or null
 * @param role     the role id, or null
 * @param purpose  the token's purpose of use, or null
 */
public record Subscriber(String clientId, String fhirUser, String patient, String role, String purpose) {

	public static final String URL = "https://consentfhir.org/fhir/StructureDefinition/subscription-subscriber";
	private static final List<String> PARTS = List.of("client", "user", "patient", "role", "purpose");

	static Subscriber of(AccessToken token) {
		return new Subscriber(token.clientId(), token.fhirUser(), token.patient(),
				token.role() == null ? null : token.role().id(), token.purposeOfUse());
	}

	/** The subscriber stamped on {@code subscription}, or empty for one never written with a token. */
	static Optional<Subscriber> of(CanonicalSubscription subscription) {
		if (subscription.getChannelExtension(url("client")) == null && subscription.getChannelExtension(url("user")) == null) {
			return Optional.empty();
		}
		return Optional.of(new Subscriber(subscription.getChannelExtension(url("client")), subscription.getChannelExtension(url("user")),
				subscription.getChannelExtension(url("patient")), subscription.getChannelExtension(url("role")),
				subscription.getChannelExtension(url("purpose"))));
	}

	/** Removes every stamp from {@code subscription} (a client's, or the previous writer's). */
	static void removeFrom(Subscription subscription) {
		subscription.getChannel().getExtension().removeIf(e -> e.getUrl() != null && e.getUrl().startsWith(URL));
	}

	void stampOn(Subscription subscription) {
		removeFrom(subscription);
		List<String> values = java.util.Arrays.asList(clientId, fhirUser, patient, role, purpose);
		for (int i = 0; i < PARTS.size(); i++) {
			if (values.get(i) != null) {
				subscription.getChannel().addExtension(new Extension(url(PARTS.get(i)), new StringType(values.get(i))));
			}
		}
	}

	/** The subscriber as a token that carries no scopes: what the consent decision needs. */
	AccessToken asToken() {
		return new AccessToken(null, fhirUser, clientId, List.of(), List.of(), patient, fhirUser,
				role == null ? null : Role.of(role).orElse(null), null, purpose);
	}

	private static String url(String part) {
		return URL + "#" + part;
	}
}
