package org.consentfhir.abdm;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.consentfhir.audit.DurableAuditSink;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * ABDM health-information exchange, HIP side: consent artefacts from the consent manager, documents
 * on request ({@code $abdm-export}) and the encrypted push ({@code $abdm-hi-request}).
 */
@Configuration
public class AbdmConfig {

	@Bean
	AbdmExportOperation abdmExportOperation(DaoRegistry daos, IValidationSupport validationSupport,
			WorkerContextValidationSupportAdapter workerContext, AbdmProperties abdm, AccessAuditEvents events, DurableAuditSink audit) {
		Organization hip = new Organization().setName(abdm.hipName());
		if (abdm.hipId() != null && !abdm.hipId().isBlank()) {
			hip.addIdentifier().setSystem("https://facility.ndhm.gov.in").setValue(abdm.hipId());
		}
		return new AbdmExportOperation(daos, validationSupport, workerContext, hip, events, audit);
	}

	@Bean
	AbdmHealthInformationOperation abdmHealthInformationOperation(DaoRegistry daos, FhirContext fhir, AbdmExportOperation export,
			AccessAuditEvents events, DurableAuditSink audit) {
		return new AbdmHealthInformationOperation(daos, fhir, export, events, audit);
	}

	@Bean
	AbdmConsentNotifyOperation abdmConsentNotifyOperation(DaoRegistry daos) {
		return new AbdmConsentNotifyOperation(daos);
	}
}
