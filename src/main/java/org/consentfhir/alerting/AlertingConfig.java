package org.consentfhir.alerting;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import org.consentfhir.consent.PolicyGeneration;
import org.consentfhir.interceptors.alerting.AlertRuleSource;
import org.consentfhir.interceptors.alerting.VitalSignAlertingInterceptor;
import org.consentfhir.interceptors.alerting.VitalSignUnitInterceptor;
import org.consentfhir.interceptors.audit.AuditCaptureInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Vital signs and clinical alerting: the rule book from the stored ObservationDefinitions, the
 * unit check on every reading, the alerts (DetectedIssue and Flag) written in the reading's
 * transaction, and {@code Flag/$acknowledge}. All hooks sit on the storage interceptor service, so
 * they apply to every write, whatever its source.
 */
@Configuration
public class AlertingConfig {

	private static final Logger log = LoggerFactory.getLogger(AlertingConfig.class);

	@Bean
	StoredAlertRules storedAlertRules(DaoRegistry daos, PolicyGeneration generation, AlertingProperties properties,
			IInterceptorService storageInterceptors) {
		StoredAlertRules rules = new StoredAlertRules(daos, generation, properties.resolvedRuleEditorRoles());
		storageInterceptors.registerInterceptor(rules);
		storageInterceptors.registerInterceptor(new VitalSignUnitInterceptor(rules));
		return rules;
	}

	@Bean
	VitalSignAlertingInterceptor vitalSignAlertingInterceptor(AlertRuleSource rules, DaoRegistry daos,
			AlertingProperties properties, IInterceptorService storageInterceptors) {
		VitalSignAlertingInterceptor alerting = new VitalSignAlertingInterceptor(rules, new JpaAlertStore(daos, Clock.systemUTC()));
		if (properties.enabled()) {
			storageInterceptors.registerInterceptor(alerting);
		} else {
			log.warn("fhir.alerting.enabled=false: readings raise no alerts");
		}
		return alerting;
	}

	@Bean
	FlagAcknowledgeOperation flagAcknowledgeOperation(DaoRegistry daos, AlertingProperties properties,
			AuditCaptureInterceptor audit) {
		return new FlagAcknowledgeOperation(daos, properties.resolvedAcknowledgeRoles(), Clock.systemUTC(), audit);
	}
}
