package org.consentfhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.junit.jupiter.api.Test;

class PolicySwitchTest {

	static class DenyEverything implements PolicyInterceptor {
		@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
		public void serverIncomingRequestPreHandled() {}
	}

	@Test
	void registersPolicyInterceptorsWhenOn() {
		RestfulServer server = new RestfulServer(FhirContext.forR4Cached());
		PolicySwitch.apply(server, List.of(new DenyEverything()), true);
		assertThat(server.getInterceptorService().getAllRegisteredInterceptors())
				.hasAtLeastOneElementOfType(DenyEverything.class);
	}

	@Test
	void registersNoneWhenOff() {
		RestfulServer server = new RestfulServer(FhirContext.forR4Cached());
		PolicySwitch.apply(server, List.of(new DenyEverything()), false);
		assertThat(server.getInterceptorService().getAllRegisteredInterceptors())
				.noneMatch(i -> i instanceof PolicyInterceptor);
	}
}
