package org.consentfhir.interceptors.auth;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.net.URI;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.consentfhir.interceptors.EndpointInterceptor;

/**
 * Declares SMART on FHIR in the CapabilityStatement: {@code rest.security.service} SMART-on-FHIR and
 * the {@code oauth-uris} extension naming the authorization server's endpoints, as SMART App Launch
 * asks of servers (alongside {@code .well-known/smart-configuration}).
 *
 * <p>Hooks {@link Pointcut#SERVER_CAPABILITY_STATEMENT_GENERATED}. Not a policy interceptor: the
 * statement says how to get access whether or not the policy is switched on.
 */
@Interceptor
public class SmartCapabilityStatementInterceptor implements EndpointInterceptor {

	static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

	private final Function<String, SmartEndpoints> endpointsForOrigin;

	/** @param endpointsForOrigin the endpoints, given the origin the request came to; null result: none to declare */
	public SmartCapabilityStatementInterceptor(Function<String, SmartEndpoints> endpointsForOrigin) {
		this.endpointsForOrigin = endpointsForOrigin;
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void serverCapabilityStatementGenerated(IBaseConformance statement, RequestDetails requestDetails) {
		if (!(statement instanceof CapabilityStatement capability) || capability.getRest().isEmpty()) {
			return;
		}
		URI base = URI.create(requestDetails.getFhirServerBase());
		SmartEndpoints endpoints = endpointsForOrigin.apply(base.getScheme() + "://" + base.getRawAuthority());
		if (endpoints == null) {
			return;
		}
		CapabilityStatementRestSecurityComponent security = capability.getRestFirstRep().getSecurity();
		security.setCors(true);
		security.addService(new CodeableConcept(new Coding(
				"http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART on FHIR")));
		security.setDescription("OAuth 2 bearer tokens per SMART App Launch 2.0; see .well-known/smart-configuration");
		Extension uris = security.addExtension().setUrl(OAUTH_URIS);
		uris.addExtension("authorize", new UriType(endpoints.authorize()));
		uris.addExtension("token", new UriType(endpoints.token()));
		uris.addExtension("register", new UriType(endpoints.register()));
		uris.addExtension("revoke", new UriType(endpoints.revoke()));
		uris.addExtension("introspect", new UriType(endpoints.introspect()));
	}
}
