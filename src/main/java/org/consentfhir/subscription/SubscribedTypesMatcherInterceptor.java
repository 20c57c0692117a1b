package org.consentfhir.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.submit.interceptor.SynchronousSubscriptionMatcherInterceptor;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * HAPI's after-commit subscription matcher, handed only the writes some active Subscription of
 * this node could match: the resource type of a Subscription's criteria ({@code Flag?patient=…}),
 * or every type for criteria that name several ({@code [Flag,DetectedIssue]?…}) or none. Subscription
 * resources themselves always go through, as HAPI activates them that way. Without it every write
 * of the server would be serialized into a matching message even when nobody has subscribed.
 */
class SubscribedTypesMatcherInterceptor extends SynchronousSubscriptionMatcherInterceptor {

	@Autowired
	private SubscriptionRegistry registry;

	@Autowired
	private FhirContext fhir;

	@Override
	protected void processResourceModifiedEvent(IBaseResource resource, ResourceModifiedMessage.OperationTypeEnum operation,
			RequestDetails request) {
		String type = fhir.getResourceType(resource);
		if ("Subscription".equals(type) || anySubscriptionCouldMatch(type)) {
			super.processResourceModifiedEvent(resource, operation, request);
		}
	}

	private boolean anySubscriptionCouldMatch(String type) {
		for (var active : registry.getAll()) {
			String criteria = active.getSubscription().getCriteriaString();
			if (criteria == null) {
				return true;
			}
			String head = criteria.contains("?") ? criteria.substring(0, criteria.indexOf('?')) : criteria;
			if (head.isEmpty() || head.startsWith("[") || head.equals("*") || head.equals(type) || head.endsWith("/" + type)) {
				return true;
			}
		}
		return false;
	}
}
