package org.consentfhir.interceptors.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.api.EncodingEnum;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.consentfhir.interceptors.auth.RevokedTokens;
import org.consentfhir.interceptors.consent.CallerVisibility;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.consentfhir.interceptors.consent.ConsentDecider;
import org.consentfhir.interceptors.consent.ConsentGate;
import org.consentfhir.interceptors.consent.ConsentSource;
import org.consentfhir.interceptors.consent.DefaultConsentPolicy;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class SubscriptionDeliveryInterceptorTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private final AtomicReference<String> dns = new AtomicReference<>("93.184.216.34");
	private final ConsentSource noConsents = new ConsentSource() {
		@Override
		public List<Consent> consentsOf(String patientId) {
			return List.of();
		}

		@Override
		public Set<String> affiliationsOf(String person) {
			return Set.of();
		}
	};
	private final Set<String> removedClients = new java.util.HashSet<>();
	private final RevokedTokens revoked = token -> removedClients.contains(token.clientId())
			? java.util.Optional.of("The token's client has been removed since it was issued") : java.util.Optional.empty();
	private final SubscriptionDeliveryInterceptor delivery = new SubscriptionDeliveryInterceptor(FHIR,
			new EndpointPolicy(List.of(), host -> new InetAddress[] {InetAddress.getByName(dns.get())}),
			new CallerVisibility(FHIR, new ConsentCallers(noConsents, Set.of("trusted-app"), Set.of()),
					new ConsentGate(FHIR, new ConsentDecider(DefaultConsentPolicy.OPT_IN), noConsents, Clock.systemUTC())),
			revoked, Set.of("https://idp.example.org"));

	@Test
	void withholdsEveryNotificationOfASubscriberRevokedSinceWritingIt() {
		CanonicalSubscription subscription = subscriptionOf("trusted-app");
		assertThat(delivery.subscriptionBeforeRestHookDelivery(subscription, matched())).isTrue();

		removedClients.add("trusted-app");

		assertThat(delivery.subscriptionBeforeRestHookDelivery(subscription, matched())).isFalse();
	}

	@Test
	void withholdsANotificationOnceTheEndpointsHostResolvesToAnInternalAddress() {
		CanonicalSubscription subscription = subscriptionOf("trusted-app");
		assertThat(delivery.subscriptionBeforeRestHookDelivery(subscription, matched())).isTrue();

		dns.set("169.254.169.254");

		assertThat(delivery.subscriptionBeforeRestHookDelivery(subscription, matched())).isFalse();
	}

	@Test
	void withholdsANotificationOfARecordTheSubscriberMayNotReadOrWhenNoSubscriberIsStamped() {
		assertThat(delivery.subscriptionBeforeRestHookDelivery(subscriptionOf("ehr-app"), matched())).isFalse();
		assertThat(delivery.subscriptionBeforeRestHookDelivery(subscriptionOf(null), matched())).isFalse();
	}

	private static CanonicalSubscription subscriptionOf(String client) {
		CanonicalSubscription subscription = new CanonicalSubscription();
		subscription.setIdElement(new org.hl7.fhir.r4.model.IdType("Subscription/1"));
		subscription.setEndpointUrl("https://app.example.org/hook");
		subscription.setChannelExtensions(client == null ? Map.of()
				: Map.of(Subscriber.URL + "#client", List.of(client), Subscriber.URL + "#user", List.of("Practitioner/7")));
		return subscription;
	}

	private static ResourceDeliveryMessage matched() {
		Observation observation = new Observation().setSubject(new Reference("Patient/42"));
		observation.setId("Observation/9");
		ResourceDeliveryMessage message = new ResourceDeliveryMessage();
		message.setPayload(FHIR, observation, EncodingEnum.JSON);
		return message;
	}
}
