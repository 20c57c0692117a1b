package org.consentfhir.interceptors.device;

import java.util.Set;

/**
 * What the server knows of a registered Device when it writes: its status and the patients it is
 * assigned to ({@code Device.patient} and the subjects of its active DeviceUseStatements).
 *
 * @param deviceId  the Device's id (no type prefix)
 * @param status    {@code Device.status} ({@code active}, {@code inactive}, {@code entered-in-error}, ...), or null
 * @param patients  ids of the assigned patients (no type prefix)
 */
public record DeviceAssignment(String deviceId, String status, Set<String> patients) {

	public boolean active() {
		return "active".equals(status);
	}
}
