package org.consentfhir.interceptors.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Optional;
import java.util.Set;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.RevokedTokens;
import org.consentfhir.interceptors.consent.CallerVisibility;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Decides, before each rest-hook notification, whether it may go: the endpoint must still pass the
 * {@link EndpointPolicy} (its host may resolve elsewhere than at write time); the Subscription's
 * {@link Subscriber} must not have been revoked since it wrote the Subscription (a disabled user, a
 * removed client: {@link RevokedTokens}, on every node); and the matched resource must be one the
 * subscriber could read, through the same scope + consent decision as a read
 * ({@link CallerVisibility}) with the scopes the subscriber's token had. A subscriber the site
 * trusts ({@code fhir.consent.trusted-clients}) is told of everything while not revoked. A
 * Subscription without a subscriber stamp (never written with a token) is told of nothing. A
 * notification withheld is logged, never sent.
 *
 * <p>Hooks {@link Pointcut#SUBSCRIPTION_BEFORE_REST_HOOK_DELIVERY}, whose {@code false} aborts the
 * delivery; order {@link InterceptorOrder#SUBSCRIPTION_DELIVERY}.
 */
@Interceptor(order = InterceptorOrder.SUBSCRIPTION_DELIVERY)
public class SubscriptionDeliveryInterceptor implements StorageInterceptor {

	private static final Logger log = LoggerFactory.getLogger(SubscriptionDeliveryInterceptor.class);

	private final FhirContext fhir;
	private final EndpointPolicy endpoints;
	private final CallerVisibility visibility;
	private final RevokedTokens revoked;
	private final Set<String> externalIssuers;

	/**
	 * @param externalIssuers the identity providers other than the built-in one, whose users and
	 *                        clients the revocation list does not name
	 */
	public SubscriptionDeliveryInterceptor(FhirContext fhir, EndpointPolicy endpoints, CallerVisibility visibility,
			RevokedTokens revoked, Set<String> externalIssuers) {
		this.fhir = fhir;
		this.endpoints = endpoints;
		this.visibility = visibility;
		this.revoked = revoked;
		this.externalIssuers = Set.copyOf(externalIssuers);
	}

	@Hook(Pointcut.SUBSCRIPTION_BEFORE_REST_HOOK_DELIVERY)
	public boolean subscriptionBeforeRestHookDelivery(CanonicalSubscription subscription, ResourceDeliveryMessage message) {
		String id = subscription.getIdElementString();
		Optional<String> endpointProblem = endpoints.problemWith(subscription.getEndpointUrl());
		if (endpointProblem.isPresent()) {
			log.warn("Notification of Subscription {} withheld: {}", id, endpointProblem.get());
			return false;
		}
		Optional<Subscriber> subscriber = Subscriber.of(subscription);
		if (subscriber.isEmpty()) {
			log.warn("Notification of Subscription {} withheld: it names no subscriber", id);
			return false;
		}
		Optional<String> revocation = subscriber.get().revocationCandidate(externalIssuers).flatMap(revoked::refusal);
		if (revocation.isPresent()) {
			log.info("Notification of Subscription {} withheld: {}", id, revocation.get());
			return false;
		}
		AccessToken token = subscriber.get().asToken();
		SystemRequestDetails asSubscriber = new SystemRequestDetails();
		asSubscriber.getUserData().put(AccessToken.USER_DATA_KEY, token);
		if (visibility.seesEverything(asSubscriber)) {
			return true;
		}
		IBaseResource resource = message.getPayload(fhir);
		if (resource == null) {
			log.warn("Notification of Subscription {} withheld: the matched resource is not in the message", id);
			return false;
		}
		if (!visibility.canSee(asSubscriber, resource)) {
			log.info("Notification of Subscription {} withheld: {} may not read {}", id, token.describe(),
					resource.getIdElement().toUnqualifiedVersionless().getValue());
			return false;
		}
		return true;
	}
}
