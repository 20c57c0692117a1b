package org.consentfhir.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import javax.sql.DataSource;
import org.consentfhir.interceptors.consent.BreakGlassRoles;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.consentfhir.interceptors.consent.ConsentDecider;
import org.consentfhir.interceptors.consent.ConsentDecisionRecorder;
import org.consentfhir.interceptors.consent.ConsentGate;
import org.consentfhir.interceptors.consent.ConsentSource;
import org.consentfhir.interceptors.consent.ConsentWriteInterceptor;
import org.consentfhir.interceptors.consent.CallerVisibility;
import org.consentfhir.interceptors.consent.ConditionalMatchNarrowingInterceptor;
import org.consentfhir.interceptors.consent.ConsentAuthorship;
import org.consentfhir.interceptors.consent.LinkedCriteria;
import org.consentfhir.interceptors.consent.NoSuchRecordInterceptor;
import org.consentfhir.interceptors.consent.OperationTargetConsentInterceptor;
import org.consentfhir.interceptors.consent.PermittedPatientsNarrowingInterceptor;
import org.consentfhir.interceptors.consent.RegistrationConsentInterceptor;
import org.consentfhir.interceptors.consent.StoredResources;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import org.consentfhir.interceptors.consent.PatientConsentInterceptor;
import org.consentfhir.interceptors.consent.PatientConsentService;
import org.consentfhir.interceptors.consent.WholeRecordSearch;
import org.consentfhir.interceptors.policy.PolicyGenerationInterceptor;
import org.consentfhir.storage.PolicyGeneration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Patient consent: the decision, its cached inputs kept current across nodes by the
 * {@link PolicyGeneration}, the interceptors that enforce it on reads, writes, conditional
 * requests and the operations HAPI's consent interceptor skips, who may write a Consent, the
 * registration rule, and the operation that explains decisions.
 */
@Configuration
public class ConsentConfig {

	/** Patients whose Consents one node keeps in memory. */
	private static final long CACHED_PATIENTS = 100_000;

	@Bean
	ConsentDecider consentDecider(ConsentProperties consent) {
		return new ConsentDecider(consent.defaultPolicy());
	}

	@Bean
	PolicyGeneration policyGeneration(DataSource dataSource) {
		return new PolicyGeneration(dataSource);
	}

	@Bean
	PolicyGenerationInterceptor policyGenerationInterceptor(PolicyGeneration generation) {
		return new PolicyGenerationInterceptor(generation);
	}

	@Bean
	ConsentSource consentSource(DaoRegistry daos, PolicyGeneration generation) {
		return new CachedConsentSource(daos, generation, CACHED_PATIENTS);
	}

	@Bean
	ConsentCallers consentCallers(ConsentSource source, ConsentProperties consent, BreakGlassRoles breakGlass) {
		return new ConsentCallers(source, new HashSet<>(consent.trustedClients()), breakGlass.roles());
	}

	@Bean
	ConsentGate consentGate(FhirContext fhir, ConsentDecider decider, ConsentSource source) {
		return new ConsentGate(fhir, decider, source, Clock.systemUTC());
	}

	@Bean
	PatientConsentInterceptor patientConsentInterceptor(FhirContext fhir, ConsentCallers callers, ConsentGate gate,
			List<ConsentDecisionRecorder> recorders, StoredResources stored, CallerVisibility visibility) {
		LinkedCriteria linked = new LinkedCriteria(fhir, stored, visibility);
		return new PatientConsentInterceptor(new PatientConsentService(callers, gate, recorders, linked,
				new WholeRecordSearch(fhir, callers, gate, linked)));
	}

	@Bean
	NoSuchRecordInterceptor noSuchRecordInterceptor(ConsentCallers callers, ConsentGate gate) {
		return new NoSuchRecordInterceptor(callers, gate);
	}

	@Bean
	PermittedPatientsNarrowingInterceptor permittedPatientsNarrowingInterceptor(ConsentCallers callers, ConsentGate gate,
			ConsentSource source, ConsentProperties consent) {
		return new PermittedPatientsNarrowingInterceptor(callers, gate, source, consent.defaultPolicy());
	}

	@Bean
	StoredResources storedResources(FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls) {
		return new DaoStoredResources(fhir, daos, matchUrls);
	}

	@Bean
	CallerVisibility callerVisibility(FhirContext fhir, ConsentCallers callers, ConsentGate gate) {
		return new CallerVisibility(fhir, callers, gate);
	}

	@Bean
	ConsentWriteInterceptor consentWriteInterceptor(FhirContext fhir, ConsentCallers callers, ConsentGate gate, StoredResources stored) {
		return new ConsentWriteInterceptor(fhir, callers, gate, new ConsentAuthorship(stored));
	}

	@Bean
	ConditionalMatchNarrowingInterceptor conditionalMatchNarrowingInterceptor(StoredResources stored, CallerVisibility visibility) {
		return new ConditionalMatchNarrowingInterceptor(stored, visibility);
	}

	@Bean
	OperationTargetConsentInterceptor operationTargetConsentInterceptor(StoredResources stored, CallerVisibility visibility) {
		return new OperationTargetConsentInterceptor(stored, visibility);
	}

	@Bean
	@ConditionalOnProperty(name = "fhir.consent.grant-treatment-on-registration", havingValue = "true")
	RegistrationConsentInterceptor registrationConsentInterceptor(ConsentCallers callers, StoredResources stored, DaoRegistry daos,
			PlatformTransactionManager transactions) {
		return new RegistrationConsentInterceptor(callers, stored, new DaoGrantedConsents(daos, transactions));
	}

	@Bean
	ConsentCheckOperation consentCheckOperation(DaoRegistry daos, ConsentDecider decider, ConsentSource source) {
		return new ConsentCheckOperation(daos, decider, source, Clock.systemUTC());
	}
}
