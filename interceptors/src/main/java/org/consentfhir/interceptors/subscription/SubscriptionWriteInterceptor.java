package org.consentfhir.interceptors.subscription;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.auth.AccessToken;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Keeps Subscriptions from making the server a request-forgery tool, at write time:
 * <ul>
 *   <li>an endpoint the {@link EndpointPolicy} refuses (loopback, link-local, private, unresolvable)
 *       and a {@code channel.header} the {@link ChannelHeaderPolicy} refuses get 422, naming why;</li>
 *   <li>the writer's verified identity is stamped on it as its {@link Subscriber} (a client's own
 *       stamp is removed), so delivery can apply consent as for a read by that subscriber. A write
 *       without a token (HAPI activating the Subscription) keeps the previous stamp.</li>
 * </ul>
 *
 * <p>Hooks {@code STORAGE_PRESTORAGE_RESOURCE_CREATED} and {@code _UPDATED}; order
 * {@link InterceptorOrder#SUBSCRIPTION_WRITE}. The endpoint and headers are checked when they are new
 * or changed, so HAPI's own status updates do not depend on DNS.
 */
@Interceptor(order = InterceptorOrder.SUBSCRIPTION_WRITE)
public class SubscriptionWriteInterceptor implements StorageInterceptor {

	private final EndpointPolicy endpoints;
	private final ChannelHeaderPolicy headers;

	public SubscriptionWriteInterceptor(EndpointPolicy endpoints, ChannelHeaderPolicy headers) {
		this.endpoints = endpoints;
		this.headers = headers;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Subscription subscription) {
			check(null, subscription, request);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource previous, IBaseResource updated, RequestDetails request) {
		if (updated instanceof Subscription subscription) {
			check(previous instanceof Subscription before ? before : null, subscription, request);
		}
	}

	private void check(Subscription previous, Subscription subscription, RequestDetails request) {
		Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
		if (previous == null || !Objects.equals(previous.getChannel().getEndpoint(), channel.getEndpoint())
				|| !headerValues(previous).equals(headerValues(subscription))) {
			List<String> problems = new ArrayList<>();
			if (channel.getType() == Subscription.SubscriptionChannelType.RESTHOOK) {
				endpoints.problemWith(channel.getEndpoint()).ifPresent(problems::add);
			}
			headerValues(subscription).forEach(header -> headers.problemWith(header).ifPresent(problems::add));
			if (!problems.isEmpty()) {
				throw new UnprocessableEntityException(problems.stream().map(p -> "Subscription refused: " + p).toArray(String[]::new));
			}
		}
		AccessToken token = request == null ? null : (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token != null) {
			Subscriber.of(token, Instant.now()).stampOn(subscription);
		} else {
			Subscriber.removeFrom(subscription);
			if (previous != null) {
				previous.getChannel().getExtension().stream()
						.filter(e -> e.getUrl() != null && e.getUrl().startsWith(Subscriber.URL))
						.forEach(e -> channel.addExtension(new Extension(e.getUrl(), new StringType(e.getValue().primitiveValue()))));
			}
		}
	}

	private static List<String> headerValues(Subscription subscription) {
		return subscription.getChannel().getHeader().stream().map(StringType::getValue).toList();
	}
}
