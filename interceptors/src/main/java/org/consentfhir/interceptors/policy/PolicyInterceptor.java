package org.consentfhir.interceptors.policy;

/**
 * Marks an interceptor that enforces this project's access policy (authorization, consent,
 * break-glass, audit). The server registers every such bean only while
 * {@code fhir.server.policy-enabled} is true, so the benchmark can measure policy on against policy
 * off in one run. Integrity checks (input guards, profile validation) are not policy and always run.
 */
public interface PolicyInterceptor {}
