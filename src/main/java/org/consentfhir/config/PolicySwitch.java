package org.consentfhir.config;

import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the policy interceptors on the FHIR endpoint, or leaves them all out when
 * {@code fhir.server.policy-enabled=false}, the benchmark's "policy off" run. Nothing else reads
 * the switch, so "off" means exactly "no {@link PolicyInterceptor} registered".
 */
final class PolicySwitch {

	private static final Logger log = LoggerFactory.getLogger(PolicySwitch.class);

	private PolicySwitch() {}

	static void apply(RestfulServer server, List<? extends PolicyInterceptor> policyInterceptors, boolean enabled) {
		if (enabled) {
			policyInterceptors.forEach(server::registerInterceptor);
			log.info("Policy enforcement on: {} policy interceptors registered", policyInterceptors.size());
		} else {
			log.warn("fhir.server.policy-enabled=false: {} policy interceptors are NOT registered", policyInterceptors.size());
		}
	}
}
