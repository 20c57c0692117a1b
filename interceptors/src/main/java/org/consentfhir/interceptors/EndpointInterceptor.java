package org.consentfhir.interceptors;

/**
 * Marks an interceptor of the FHIR endpoint that always runs: input guards, HTTP preconditions,
 * transaction placeholders, upload checks, the CapabilityStatement's SMART endpoints. The server
 * registers every such bean on its RestfulServer; the policy interceptors
 * ({@link org.consentfhir.interceptors.policy.PolicyInterceptor}) are registered there too, but only
 * while policy is enforced.
 */
public interface EndpointInterceptor {}
