package org.consentfhir.alerting;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import org.consentfhir.storage.PolicyGeneration;
import org.consentfhir.interceptors.alerting.AlertRuleSource;
import org.consentfhir.interceptors.alerting.AlertRuleWriteInterceptor;
import org.consentfhir.interceptors.alerting.FreshAlertSearchInterceptor;
import org.consentfhir.interceptors.alerting.VitalSignAlertingInterceptor;
import org.consentfhir.interceptors.alerting.VitalSignUnitInterceptor;
import org.consentfhir.interceptors.audit.AuditCaptureInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Vital signs and clinical alerting: the rule book from the stored ObservationDefinitions, the
 * unit check on every reading, the alerts (DetectedIssue and Flag) written in the reading's
 * transaction, and {@code Flag/$acknowledge}. The hooks on writes are storage interceptors, so they
 * apply to every write, whatever its source.
 */
@Configuration
public class AlertingConfig {

	private static final Logger log = LoggerFactory.getLogger(AlertingConfig.class);

	@Bean
	StoredAlertRules storedAlertRules(DaoRegistry daos, PolicyGeneration generation, AlertingProperties properties) {
		if (!properties.enabled()) {
			log.warn("fhir.alerting.enabled=false: readings raise no alerts");
		}
		return new StoredAlertRules(daos, generation);
	}

	@Bean
	AlertRuleWriteInterceptor alertRuleWriteInterceptor(AlertRuleSource rules, AlertingProperties properties) {
		return new AlertRuleWriteInterceptor(rules, properties.resolvedRuleEditorRoles());
	}

	@Bean
	VitalSignUnitInterceptor vitalSignUnitInterceptor(AlertRuleSource rules) {
		return new VitalSignUnitInterceptor(rules);
	}

	@Bean
	@ConditionalOnProperty(name = "fhir.alerting.enabled", havingValue = "true", matchIfMissing = true)
	VitalSignAlertingInterceptor vitalSignAlertingInterceptor(AlertRuleSource rules, DaoRegistry daos) {
		return new VitalSignAlertingInterceptor(rules, new JpaAlertStore(daos, Clock.systemUTC()));
	}

	@Bean
	FreshAlertSearchInterceptor freshAlertSearchInterceptor() {
		return new FreshAlertSearchInterceptor();
	}

	@Bean
	FlagAcknowledgeOperation flagAcknowledgeOperation(DaoRegistry daos, AlertingProperties properties,
			AuditCaptureInterceptor audit) {
		return new FlagAcknowledgeOperation(daos, properties.resolvedAcknowledgeRoles(), Clock.systemUTC(), audit);
	}
}
