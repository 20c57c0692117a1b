package org.consentfhir.interceptors;

/**
 * Marks an interceptor that hooks HAPI's storage (or subscription) pointcuts for every write,
 * whatever its source: a request, a transaction entry, or the server's own writes such as the
 * shipped profiles and break-glass Consents. The server registers every such bean with HAPI's storage
 * interceptor service, whether or not policy is enforced.
 */
public interface StorageInterceptor {}
