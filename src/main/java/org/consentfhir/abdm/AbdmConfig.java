package org.consentfhir.abdm;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** ABDM health-information exchange, HIP side: consent artefacts from the consent manager. */
@Configuration
public class AbdmConfig {

	@Bean
	AbdmConsentNotifyOperation abdmConsentNotifyOperation(DaoRegistry daos) {
		return new AbdmConsentNotifyOperation(daos);
	}
}
