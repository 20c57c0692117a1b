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
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.validation.IValidatorModule;
import java.util.List;
import org.consentfhir.audit.AuditEventResourceProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import org.hl7.fhir.r4.model.AuditEvent;
import org.consentfhir.interceptors.EndpointInterceptor;
import org.consentfhir.interceptors.StorageInterceptor;
import org.consentfhir.interceptors.http.IfMatchPreconditionInterceptor;
import org.consentfhir.interceptors.inputguard.RequestBodyGuardInterceptor;
import org.consentfhir.interceptors.inputguard.SearchLimitInterceptor;
import org.consentfhir.interceptors.consent.PatientConsentInterceptor;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.consentfhir.interceptors.search.OnePatientSearch;
import org.consentfhir.interceptors.search.OnePatientSearchInterceptor;
import org.consentfhir.interceptors.transaction.TransactionPlaceholderInterceptor;
import org.consentfhir.interceptors.validation.DeclaredProfileValidatingInterceptor;
import org.consentfhir.interceptors.auth.FhirOperation;
import org.consentfhir.web.FhirServerProperties;
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
	DeclaredProfileValidatingInterceptor declaredProfileValidatingInterceptor(IValidationSupport validationSupport,
			@Qualifier("myInstanceValidator") IValidatorModule instanceValidator) {
		return new DeclaredProfileValidatingInterceptor(validationSupport.getFhirContext(), validationSupport, instanceValidator);
	}

	@Bean
	RequestBodyGuardInterceptor requestBodyGuardInterceptor(FhirServerProperties properties) {
		return new RequestBodyGuardInterceptor(properties.maxBodyNestingDepth());
	}

	@Bean
	SearchLimitInterceptor searchLimitInterceptor(FhirServerProperties properties) {
		return new SearchLimitInterceptor(properties.maxSearchParameters());
	}

	/** With the policy off nothing filters a caller's matches before they are stored. */
	@Bean
	OnePatientSearchInterceptor onePatientSearchInterceptor(FhirContext fhir, PatientConsentInterceptor consent, FhirServerProperties properties) {
		return new OnePatientSearchInterceptor(new OnePatientSearch(fhir),
				properties.policyEnabled() ? consent::filtersForCaller : request -> false);
	}

	@Bean
	IfMatchPreconditionInterceptor ifMatchPreconditionInterceptor() {
		return new IfMatchPreconditionInterceptor();
	}

	@Bean
	TransactionPlaceholderInterceptor transactionPlaceholderInterceptor() {
		return new TransactionPlaceholderInterceptor();
	}

	/**
	 * The one place interceptors are registered: every {@link StorageInterceptor} bean with HAPI's
	 * storage interceptor service (all writes, the server's own too), before anything is written
	 * (the shipped profiles are stored once the context has started).
	 */
	@Bean
	RegisteredStorageInterceptors registeredStorageInterceptors(IInterceptorService storage, List<StorageInterceptor> interceptors) {
		interceptors.forEach(storage::registerInterceptor);
		return new RegisteredStorageInterceptors(interceptors.size());
	}

	/** How many storage interceptors {@link #registeredStorageInterceptors} registered. */
	record RegisteredStorageInterceptors(int count) {}

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
			List<EndpointInterceptor> endpointInterceptors,
			List<PolicyInterceptor> policyInterceptors,
			List<FhirOperation> operations,
			AuditEventResourceProvider auditEvents,
			FhirServerProperties properties) {
		RestfulServer server = new RestfulServer(systemDao.getContext());
		// What the server writes (responses, stored resource text, AuditEvents) names other resources by
		// id: the contained resources a request sends keep theirs, and nothing here puts a resource object
		// without an id into a reference. HAPI's search for such objects to contain, a walk of every
		// element of everything written (about a third of encoding a search page), is switched off.
		systemDao.getContext().getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
		server.setImplementationDescription(properties.implementationDescription());
		// AuditEvents live in the audit store, not in HAPI's JPA storage: its provider replaces HAPI's
		server.registerProviders(resourceProviderFactory.createProviders().stream()
				.filter(provider -> !(provider instanceof IResourceProvider typed && typed.getResourceType() == AuditEvent.class))
				.toList());
		server.registerProvider(auditEvents);
		server.registerProvider(systemProvider);
		operations.forEach(server::registerProvider);
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

		endpointInterceptors.forEach(server::registerInterceptor);
		server.registerInterceptor(new ResponseHighlighterInterceptor());
		server.registerInterceptor(new OpenApiInterceptor());
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
