package org.consentfhir.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import org.consentfhir.interceptors.consent.ConsentDecider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Consent decisions and the operation that explains them. */
@Configuration
public class ConsentConfig {

	@Bean
	ConsentDecider consentDecider(ConsentProperties consent) {
		return new ConsentDecider(consent.defaultPolicy());
	}

	@Bean
	ConsentCheckOperation consentCheckOperation(DaoRegistry daos, ConsentDecider decider) {
		return new ConsentCheckOperation(daos, decider, Clock.systemUTC());
	}
}
