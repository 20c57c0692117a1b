package org.consentfhir.interceptors.subscription;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Refuses a Subscription that asks for a payload (422): HAPI matches and delivers as the server,
 * where no consent applies, so a notification says only "something you subscribed to changed" (an
 * empty POST to the endpoint) and the subscriber reads it back with its own token, consent-checked
 * and audited.
 *
 * <p>Hooks {@code STORAGE_PRESTORAGE_RESOURCE_CREATED} and {@code _UPDATED}; default order.
 */
@Interceptor
public class NotificationOnlySubscriptionInterceptor implements StorageInterceptor {

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource) {
		check(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource oldResource, IBaseResource newResource) {
		check(newResource);
	}

	private static void check(IBaseResource resource) {
		if (resource instanceof Subscription subscription && subscription.getChannel().hasPayload()) {
			throw new UnprocessableEntityException("Subscription.channel.payload must be empty: notifications carry no data; "
					+ "on a notification, read the subscribed resources with your own token (consent applies)");
		}
	}
}
