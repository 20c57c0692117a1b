package org.consentfhir.subscription;

import ca.uhn.fhir.context.FhirContext;
import java.net.InetAddress;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import ca.uhn.fhir.jpa.subscription.submit.interceptor.SubscriptionMatcherInterceptor;
import ca.uhn.fhir.jpa.subscription.submit.interceptor.SynchronousSubscriptionMatcherInterceptor;
import java.util.Optional;
import java.util.stream.Collectors;
import org.consentfhir.auth.AuthProperties;
import org.consentfhir.auth.RevocationList;
import org.consentfhir.interceptors.auth.RevokedTokens;
import org.consentfhir.interceptors.consent.CallerVisibility;
import org.consentfhir.interceptors.subscription.ChannelHeaderPolicy;
import org.consentfhir.interceptors.subscription.EndpointPolicy;
import org.consentfhir.interceptors.subscription.NotificationOnlySubscriptionInterceptor;
import org.consentfhir.interceptors.subscription.SubscriptionDeliveryInterceptor;
import org.consentfhir.interceptors.subscription.SubscriptionWriteInterceptor;
import org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * FHIR Subscriptions (R4 {@code Subscription}, rest-hook channel) on HAPI's in-memory channels: a
 * doctor's app subscribes to {@code Flag?patient=…} and is called the moment an alert is raised.
 *
 * <ul>
 *   <li>Matching starts when the write commits ({@link SynchronousSubscriptionMatcherInterceptor}),
 *       not on HAPI's 5-second polling of a queue table, and costs no extra row per write; only
 *       writes of a type someone subscribed to are matched ({@link SubscribedTypesMatcherInterceptor}).
 *       A notification in flight when a node stops is lost; the subscriber catches up by searching.</li>
 *   <li>Notifications carry no data ({@link NotificationOnlySubscriptionInterceptor}): matching and
 *       delivery run as the server, outside consent, so the subscriber reads what changed with its
 *       own token, where consent and audit apply.</li>
 *   <li>The endpoint may not be internal and only allowed headers are sent ({@link SubscriptionWriteInterceptor});
 *       a notification goes only where the subscriber may read what matched ({@link SubscriptionDeliveryInterceptor}).
 *       See {@code docs/subscriptions.md}.</li>
 *   <li>Email and websocket channels are not offered (websocket would bypass the bearer token).</li>
 * </ul>
 */
@Configuration
@Import({SubscriptionSubmitterConfig.class, SubscriptionProcessorConfig.class})
public class SubscriptionConfig {

	private static final Logger log = LoggerFactory.getLogger(SubscriptionConfig.class);

	@Bean
	SubscriptionSettings subscriptionSettings(SubscriptionProperties properties) {
		SubscriptionSettings settings = new SubscriptionSettings();
		settings.addSupportedSubscriptionType(SubscriptionChannelType.RESTHOOK);
		settings.setRestHookEndpointUrlValidationRegex(properties.endpointPattern());
		return settings;
	}

	@Bean
	@Primary
	SubscriptionMatcherInterceptor subscribedTypesMatcherInterceptor() {
		return new SubscribedTypesMatcherInterceptor();
	}

	@Bean
	IEmailSender emailSender() {
		return details -> log.warn("Email subscriptions are not offered; a notification was dropped");
	}

	@Bean
	EndpointPolicy subscriptionEndpointPolicy(SubscriptionProperties properties) {
		return new EndpointPolicy(properties.allowedInternalHosts(), InetAddress::getAllByName);
	}

	@Bean
	SubscriptionWriteInterceptor subscriptionWriteInterceptor(EndpointPolicy endpoints, SubscriptionProperties properties) {
		return new SubscriptionWriteInterceptor(endpoints, new ChannelHeaderPolicy(properties.allowedHeaders()));
	}

	@Bean
	SubscriptionDeliveryInterceptor subscriptionDeliveryInterceptor(FhirContext fhir, EndpointPolicy endpoints, CallerVisibility visibility,
			ObjectProvider<RevocationList> revocations, AuthProperties auth) {
		return new SubscriptionDeliveryInterceptor(fhir, endpoints, visibility,
				Optional.<RevokedTokens>ofNullable(revocations.getIfAvailable()).orElse(RevokedTokens.NONE),
				auth.trustedIssuers().stream().map(AuthProperties.Issuer::issuer).collect(Collectors.toSet()));
	}

	@Bean
	NotificationOnlySubscriptionInterceptor notificationOnlySubscriptionInterceptor() {
		return new NotificationOnlySubscriptionInterceptor();
	}
}
