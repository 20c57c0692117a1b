package org.consentfhir.abdm;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** ABDM health-information exchange, HIP side: consent artefacts from the consent manager. */
@Configuration
public class AbdmConfig {

	@Bean
	AbdmExportOperation abdmExportOperation(DaoRegistry daos, ca.uhn.fhir.context.support.IValidationSupport validationSupport,
			AbdmProperties abdm, org.consentfhir.interceptors.audit.AccessAuditEvents events, org.consentfhir.audit.DurableAuditSink audit) {
		org.hl7.fhir.r4.model.Organization hip = new org.hl7.fhir.r4.model.Organization().setName(abdm.hipName());
		if (abdm.hipId() != null && !abdm.hipId().isBlank()) {
			hip.addIdentifier().setSystem("https://facility.ndhm.gov.in").setValue(abdm.hipId());
		}
		return new AbdmExportOperation(daos, validationSupport, hip, events, audit);
	}

	@Bean
	AbdmHealthInformationOperation abdmHealthInformationOperation(DaoRegistry daos, ca.uhn.fhir.context.FhirContext fhir,
			AbdmExportOperation export, org.consentfhir.interceptors.audit.AccessAuditEvents events,
			org.consentfhir.audit.DurableAuditSink audit) {
		return new AbdmHealthInformationOperation(daos, fhir, export, events, audit);
	}

	@Bean
	AbdmConsentNotifyOperation abdmConsentNotifyOperation(DaoRegistry daos) {
		return new AbdmConsentNotifyOperation(daos);
	}
}
