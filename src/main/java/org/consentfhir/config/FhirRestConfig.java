package org.consentfhir.config;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.validation.IValidatorModule;
import java.util.List;
import org.consentfhir.audit.AccessLogOperation;
import org.consentfhir.audit.AuditEventResourceProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import org.hl7.fhir.r4.model.AuditEvent;
import org.consentfhir.abdm.AbdmConsentNotifyOperation;
import org.consentfhir.alerting.FlagAcknowledgeOperation;
import org.consentfhir.interceptors.alerting.AlertRuleSource;
import org.consentfhir.interceptors.alerting.FreshAlertSearchInterceptor;
import org.consentfhir.interceptors.sync.DuplicateReadingInterceptor;
import org.consentfhir.interceptors.sync.UploadDigestInterceptor;
import org.consentfhir.breakglass.BreakGlassOperation;
import org.consentfhir.identity.BiometricEnrollOperation;
import org.consentfhir.identity.BiometricMatchOperation;
import org.consentfhir.consent.ConsentCheckOperation;
import org.consentfhir.interceptors.audit.AuditEventEntryGuardInterceptor;
import org.consentfhir.interceptors.audit.AuditEventImmutabilityInterceptor;
import org.consentfhir.interceptors.auth.SmartCapabilityStatementInterceptor;
import org.consentfhir.interceptors.http.IfMatchPreconditionInterceptor;
import org.consentfhir.interceptors.inputguard.RequestBodyGuardInterceptor;
import org.consentfhir.interceptors.inputguard.SearchLimitInterceptor;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.consentfhir.interceptors.transaction.TransactionPlaceholderInterceptor;
import org.consentfhir.interceptors.validation.DeclaredProfileValidatingInterceptor;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.util.StringUtils;

/**
 * The FHIR REST endpoint: HAPI's R4 JPA configuration (DAOs, search, validation support, Batch2 jobs
 * for reindexing, over HAPI's in-memory message broker) behind one {@link RestfulServer} mounted at {@code /fhir/*}.
 *
 * <p>Left out on purpose: clinical reasoning, MDM, Elasticsearch, CDS hooks, GraphQL, bulk import,
 * the terminology uploader and the tester web app.
 */
@Configuration
@Import({
	JpaR4Config.class,
	HapiJpaConfig.class,
	ThreadPoolFactoryConfig.class,
	JpaBatch2Config.class,
	Batch2JobsConfig.class,
	SubscriptionChannelConfig.class
})
public class FhirRestConfig {

	@Bean
	public DeclaredProfileValidatingInterceptor declaredProfileValidatingInterceptor(
			IValidationSupport validationSupport,
			@Qualifier("myInstanceValidator") IValidatorModule instanceValidator,
			IInterceptorService storageInterceptors) {
		DeclaredProfileValidatingInterceptor interceptor = new DeclaredProfileValidatingInterceptor(
				validationSupport.getFhirContext(), validationSupport, instanceValidator);
		storageInterceptors.registerInterceptor(interceptor);
		return interceptor;
	}

	@Bean
	public AuditEventImmutabilityInterceptor auditEventImmutabilityInterceptor(IInterceptorService storageInterceptors) {
		AuditEventImmutabilityInterceptor interceptor = new AuditEventImmutabilityInterceptor();
		storageInterceptors.registerInterceptor(interceptor);
		return interceptor;
	}

	@Bean
	public RestfulServer restfulServer(
			IFhirSystemDao<?, ?> systemDao,
			DaoRegistry daoRegistry,
			ResourceProviderFactory resourceProviderFactory,
			JpaSystemProvider<?, ?> systemProvider,
			JpaStorageSettings storageSettings,
			ISearchParamRegistry searchParamRegistry,
			IValidationSupport validationSupport,
			DatabaseBackedPagingProvider pagingProvider,
			List<PolicyInterceptor> policyInterceptors,
			SmartCapabilityStatementInterceptor smartCapabilityStatement,
			ConsentCheckOperation consentCheck,
			AccessLogOperation accessLog,
			BreakGlassOperation breakGlass,
			FlagAcknowledgeOperation flagAcknowledge,
			BiometricEnrollOperation biometricEnroll,
			BiometricMatchOperation biometricMatch,
			AbdmConsentNotifyOperation abdmConsentNotify,
			org.consentfhir.abdm.AbdmExportOperation abdmExport,
			org.consentfhir.abdm.AbdmHealthInformationOperation abdmHealthInformation,
			ca.uhn.fhir.jpa.ips.provider.IpsOperationProvider summary,
			AlertRuleSource alertRules,
			AuditEventResourceProvider auditEvents,
			FhirServerProperties properties) {
		RestfulServer server = new RestfulServer(systemDao.getContext());
		server.setImplementationDescription(properties.implementationDescription());
		// AuditEvents live in the audit store, not in HAPI's JPA storage: its provider replaces HAPI's
		server.registerProviders(resourceProviderFactory.createProviders().stream()
				.filter(provider -> !(provider instanceof IResourceProvider typed && typed.getResourceType() == AuditEvent.class))
				.toList());
		server.registerProvider(auditEvents);
		server.registerProvider(systemProvider);
		server.registerProvider(consentCheck);
		server.registerProvider(accessLog);
		server.registerProvider(breakGlass);
		server.registerProvider(flagAcknowledge);
		server.registerProvider(biometricEnroll);
		server.registerProvider(biometricMatch);
		server.registerProvider(abdmConsentNotify);
		server.registerProvider(abdmExport);
		server.registerProvider(abdmHealthInformation);
		server.registerProvider(summary);
		server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
				server, systemDao, storageSettings, searchParamRegistry, validationSupport));

		pagingProvider.setDefaultPageSize(properties.defaultPageSize());
		pagingProvider.setMaximumPageSize(properties.maxPageSize());
		server.setPagingProvider(pagingProvider);
		server.setDefaultResponseEncoding(EncodingEnum.JSON);
		server.setServerAddressStrategy(
				StringUtils.hasText(properties.publicBaseUrl())
						? new HardcodedServerAddressStrategy(properties.publicBaseUrl())
						: new IncomingRequestAddressStrategy());

		server.registerInterceptor(new RequestBodyGuardInterceptor(properties.maxBodyNestingDepth()));
		server.registerInterceptor(new SearchLimitInterceptor(properties.maxSearchParameters()));
		server.registerInterceptor(new IfMatchPreconditionInterceptor());
		server.registerInterceptor(new TransactionPlaceholderInterceptor());
		server.registerInterceptor(new AuditEventEntryGuardInterceptor());
		server.registerInterceptor(new FreshAlertSearchInterceptor());
		server.registerInterceptor(new UploadDigestInterceptor());
		server.registerInterceptor(new DuplicateReadingInterceptor(systemDao.getContext(),
				reading -> alertRules.current().definitionFor(reading.getCode()).isPresent()));
		server.registerInterceptor(new ResponseHighlighterInterceptor());
		server.registerInterceptor(new OpenApiInterceptor());
		server.registerInterceptor(smartCapabilityStatement);
		PolicySwitch.apply(server, policyInterceptors, properties.policyEnabled());
		return server;
	}

	@Bean
	public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer restfulServer) {
		ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(restfulServer, "/fhir/*");
		registration.setName("fhir");
		registration.setLoadOnStartup(1);
		return registration;
	}
}
