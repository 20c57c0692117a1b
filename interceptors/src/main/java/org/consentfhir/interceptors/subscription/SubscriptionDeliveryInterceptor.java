package org.consentfhir.interceptors.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Optional;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.consentfhir.interceptors.consent.ConsentDecision;
import org.consentfhir.interceptors.consent.ConsentGate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before each rest-hook notification, whether it may go: the endpoint must still pass the
 * {@link EndpointPolicy} (its host may resolve elsewhere than at write time), and the matched
 * resource must pass the same consent decision ({@link ConsentGate}) as a read of it by the
 * Subscription's {@link Subscriber}; a subscriber the site trusts ({@code fhir.consent.trusted-clients})
 * is told of everything. A Subscription without a subscriber stamp (never written with a token) is
 * told of nothing. A notification withheld is logged, never sent.
 *
 * <p>Hooks {@link Pointcut#SUBSCRIPTION_BEFORE_REST_HOOK_DELIVERY}, whose {@code false} aborts the
 * delivery; order {@link InterceptorOrder#SUBSCRIPTION_DELIVERY}.
 */
@Interceptor(order = InterceptorOrder.SUBSCRIPTION_DELIVERY)
public class SubscriptionDeliveryInterceptor {

	private static final Logger log = LoggerFactory.getLogger(SubscriptionDeliveryInterceptor.class);

	private final FhirContext fhir;
	private final EndpointPolicy endpoints;
	private final ConsentCallers callers;
	private final ConsentGate gate;

	public SubscriptionDeliveryInterceptor(FhirContext fhir, EndpointPolicy endpoints, ConsentCallers callers, ConsentGate gate) {
		this.fhir = fhir;
		this.endpoints = endpoints;
		this.callers = callers;
		this.gate = gate;
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
		ConsentCaller caller = callers.withoutRequest(subscriber.get().asToken());
		if (caller.trusted()) {
			return true;
		}
		IBaseResource resource = message.getPayload(fhir);
		if (resource == null) {
			log.warn("Notification of Subscription {} withheld: the matched resource is not in the message", id);
			return false;
		}
		ConsentDecision denial = gate.denialFor(caller, resource, new SystemRequestDetails());
		if (denial != null) {
			log.info("Notification of Subscription {} withheld: {} may not read {}", id, caller.description(),
					resource.getIdElement().toUnqualifiedVersionless().getValue());
			return false;
		}
		return true;
	}
}
