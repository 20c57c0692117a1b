package org.consentfhir.interceptors.device;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * What a device (a token of role {@code device}, fhirUser {@code Device/…}) may write, beyond its
 * scope ({@code system/Observation.c}):
 *
 * <ul>
 *   <li>its Device must exist and be {@code active}, looked up on every request, so setting the
 *       status to {@code inactive} (or {@code entered-in-error}) revokes it at once: 401
 *       (hook {@code SERVER_INCOMING_REQUEST_POST_PROCESSED}, order {@link InterceptorOrder#DEVICE_STATUS});</li>
 *   <li>each Observation it stores must be about a patient it is assigned to ({@code Device.patient},
 *       or the subject of an active DeviceUseStatement of the device) and name the device itself as
 *       {@code device} (filled in when absent): else 403 and, in a transaction, nothing is stored
 *       (hook {@code STORAGE_PRESTORAGE_RESOURCE_CREATED}). A reading the device (or the gateway
 *       relaying it) sends without {@code meta.source} gets the device's OAuth client as source,
 *       {@value #CLIENT_SOURCE_PREFIX}{@code <client_id>}.</li>
 * </ul>
 *
 * Patient consent is not asked for a device's readings: the assignment is the authority.
 */
@Interceptor(order = InterceptorOrder.DEVICE_STATUS)
public class DeviceAssignmentInterceptor implements PolicyInterceptor {

	public static final String CLIENT_SOURCE_PREFIX = "urn:consentfhir:client:";
	private static final String ASSIGNMENT_KEY = DeviceAssignmentInterceptor.class.getName() + ".assignment";

	private record Writer(DeviceAssignment assignment, String clientId) {}

	private final DeviceRegistry devices;

	public DeviceAssignmentInterceptor(DeviceRegistry devices) {
		this.devices = devices;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public boolean serverIncomingRequestPostProcessed(RequestDetails request) {
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		if (token == null || token.role() != Role.DEVICE) {
			return true;
		}
		IdType device = token.fhirUser() == null ? null : new IdType(token.fhirUser());
		if (device == null || !"Device".equals(device.getResourceType()) || device.getIdPart() == null) {
			throw new AuthenticationException("A device token must name its Device as fhirUser (Device/id)");
		}
		DeviceAssignment assignment = devices.find(device.getIdPart())
				.orElseThrow(() -> new AuthenticationException("Device/" + device.getIdPart() + " is not registered on this server"));
		if (!assignment.active()) {
			throw new AuthenticationException("Device/" + device.getIdPart() + " is " + assignment.status() + ": its access is revoked");
		}
		request.getUserData().put(ASSIGNMENT_KEY, new Writer(assignment, token.clientId()));
		return true;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource, RequestDetails request) {
		if (request == null || !(request.getUserData().get(ASSIGNMENT_KEY) instanceof Writer writer)) {
			return;
		}
		DeviceAssignment assignment = writer.assignment();
		if (!(resource instanceof Observation reading)) {
			throw new ForbiddenOperationException("A device creates Observations only");
		}
		String self = "Device/" + assignment.deviceId();
		if (!reading.hasDevice()) {
			reading.setDevice(new Reference(self));
		} else if (!self.equals(new IdType(reading.getDevice().getReference()).toUnqualifiedVersionless().getValue())) {
			throw new ForbiddenOperationException(self + " may not record readings of " + reading.getDevice().getReference());
		}
		if (!reading.getMeta().hasSource() && writer.clientId() != null) {
			reading.getMeta().setSource(CLIENT_SOURCE_PREFIX + writer.clientId());
		}
		IdType subject = new IdType(reading.getSubject().getReference());
		if (!"Patient".equals(subject.getResourceType()) || !assignment.patients().contains(subject.getIdPart())) {
			throw new ForbiddenOperationException(self + " is assigned to " + assignment.patients().stream().sorted().map(p -> "Patient/" + p).toList()
					+ " and may not record readings of " + reading.getSubject().getReference());
		}
	}
}
