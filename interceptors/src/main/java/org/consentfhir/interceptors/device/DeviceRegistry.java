package org.consentfhir.interceptors.device;

import java.util.Optional;

/** Looks a Device up as it is now (never cached: a revocation takes effect on the next request). */
public interface DeviceRegistry {

	Optional<DeviceAssignment> find(String deviceId);
}
