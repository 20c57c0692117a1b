package org.consentfhir.device;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.consentfhir.interceptors.device.DeviceAssignment;
import org.consentfhir.interceptors.device.DeviceAssignmentInterceptor;
import org.consentfhir.interceptors.device.DeviceRegistry;
import org.consentfhir.interceptors.alerting.AlertRuleSource;
import org.consentfhir.interceptors.sync.DuplicateReadingInterceptor;
import org.consentfhir.interceptors.sync.UploadDigestInterceptor;
import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceUseStatement;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Devices that write readings: their assignment to patients, read from the Device resources on every
 * request; and their offline uploads: checksums of each entry and readings stored once however often
 * they are sent.
 */
@Configuration
public class DeviceConfig {

	@Bean
	UploadDigestInterceptor uploadDigestInterceptor() {
		return new UploadDigestInterceptor();
	}

	/** Only readings an alert rule knows (a vital sign) are fingerprinted. */
	@Bean
	DuplicateReadingInterceptor duplicateReadingInterceptor(FhirContext fhir, AlertRuleSource alertRules) {
		return new DuplicateReadingInterceptor(fhir, reading -> alertRules.current().definitionFor(reading.getCode()).isPresent());
	}

	@Bean
	DeviceAssignmentInterceptor deviceAssignmentInterceptor(DaoRegistry daos) {
		return new DeviceAssignmentInterceptor(registry(daos));
	}

	static DeviceRegistry registry(DaoRegistry daos) {
		return deviceId -> {
			Device device;
			try {
				device = daos.getResourceDao(Device.class).read(new IdType("Device", deviceId), new SystemRequestDetails());
			} catch (ResourceNotFoundException | ResourceGoneException e) {
				return Optional.empty();
			}
			Set<String> patients = new HashSet<>();
			if (device.hasPatient()) {
				patients.add(device.getPatient().getReferenceElement().getIdPart());
			}
			SearchParameterMap uses = SearchParameterMap.newSynchronous("device", new ReferenceParam("Device/" + deviceId));
			uses.setLoadSynchronousUpTo(1000);
			daos.getResourceDao(DeviceUseStatement.class).search(uses, new SystemRequestDetails()).getAllResources().stream()
					.map(DeviceUseStatement.class::cast)
					.filter(use -> use.getStatus() == DeviceUseStatement.DeviceUseStatementStatus.ACTIVE)
					.forEach(use -> patients.add(use.getSubject().getReferenceElement().getIdPart()));
			return Optional.of(new DeviceAssignment(deviceId, device.hasStatus() ? device.getStatus().toCode() : null, Set.copyOf(patients)));
		};
	}
}
