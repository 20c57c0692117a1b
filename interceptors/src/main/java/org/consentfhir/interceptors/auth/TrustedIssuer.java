package org.consentfhir.interceptors.auth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * An issuer whose tokens the server accepts: its exact {@code iss}, where its public keys come
 * from, and how its claims are named.
 */
public record TrustedIssuer(String issuer, JWKSource<SecurityContext> keys, ClaimNames claims) {}
