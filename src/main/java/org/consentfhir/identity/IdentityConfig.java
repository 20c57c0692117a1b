package org.consentfhir.identity;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.nio.file.Path;
import org.consentfhir.audit.DurableAuditSink;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.consentfhir.interceptors.consent.ConsentGate;
import org.consentfhir.interceptors.identity.GlobalPatientIdInterceptor;
import org.consentfhir.interceptors.identity.KnownIdentifierInterceptor;
import org.consentfhir.storage.StorageProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Patient identity: every Patient's global id, the form of identifiers of known systems on every write, fingerprints enrolled as keyed hashes, and the lookup of a patient by fingerprint. */
@Configuration
public class IdentityConfig {

	@Bean
	BiometricIdentifiers biometricIdentifiers(IdentityProperties identity, StorageProperties storage) {
		return BiometricIdentifiers.fromSettings(identity.biometricSecret(), Path.of(storage.dataDir()));
	}

	@Bean
	BiometricLookup biometricLookup(DaoRegistry daos) {
		return new BiometricLookup(daos);
	}

	@Bean
	GlobalPatientIdInterceptor globalPatientIdInterceptor(BiometricLookup lookup) {
		return new GlobalPatientIdInterceptor(lookup);
	}

	@Bean
	KnownIdentifierInterceptor knownIdentifierInterceptor(FhirContext fhir) {
		return new KnownIdentifierInterceptor(fhir);
	}

	@Bean
	BiometricEnrollOperation biometricEnrollOperation(DaoRegistry daos, BiometricIdentifiers identifiers, BiometricLookup lookup) {
		return new BiometricEnrollOperation(daos, identifiers, lookup);
	}

	@Bean
	BiometricMatchOperation biometricMatchOperation(DaoRegistry daos, BiometricIdentifiers identifiers, BiometricLookup lookup,
			ConsentCallers callers, ConsentGate gate, AccessAuditEvents events, DurableAuditSink audit) {
		return new BiometricMatchOperation(daos, identifiers, lookup, callers, gate, events, audit);
	}
}
