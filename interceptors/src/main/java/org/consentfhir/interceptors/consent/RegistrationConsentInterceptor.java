package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Instant;
import java.util.List;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;

/**
 * The site's registration rule ({@code fhir.consent.grant-treatment-on-registration}): a Patient
 * registered by a practitioner gets, as soon as the registration commits, an active Consent permitting
 * treatment ({@code TREAT}) to the practitioner's organizations, or to the practitioner when they
 * belong to none (and are stored here). The patient can revoke it like any other.
 *
 * <p>Hooks {@code STORAGE_PRECOMMIT_RESOURCE_CREATED}; the Consent is stored by {@link GrantedConsents}
 * after the registration commits, so a registration that rolls back grants nothing.
 */
@Interceptor
public class RegistrationConsentInterceptor implements PolicyInterceptor {

	private final ConsentCallers callers;
	private final StoredResources stored;
	private final GrantedConsents granted;

	public RegistrationConsentInterceptor(ConsentCallers callers, StoredResources stored, GrantedConsents granted) {
		this.callers = callers;
		this.stored = stored;
		this.granted = granted;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void storagePrecommitResourceCreated(IBaseResource resource, RequestDetails request) {
		if (request == null || !"Patient".equals(resource.fhirType())) {
			return;
		}
		ConsentCaller caller = callers.of(request);
		if (caller == null || caller.actors().isEmpty()) {
			return;
		}
		List<String> grantees = caller.actors().stream().filter(a -> a.startsWith("Organization/")).sorted().toList();
		if (grantees.isEmpty()) {
			// a token may name a practitioner this server does not hold (an external identity provider's user)
			grantees = caller.actors().stream().filter(a -> a.startsWith("Practitioner/"))
					.filter(p -> stored.read(new IdType(p)).isPresent()).toList();
		}
		if (!grantees.isEmpty()) {
			granted.storeAfterCommit(treatmentConsent(resource.getIdElement().getIdPart(), grantees));
		}
	}

	static Consent treatmentConsent(String patientId, List<String> grantees) {
		Consent consent = PrivacyConsents.permit(patientId, grantees, List.of(PurposeOfUse.TREAT), Instant.now());
		consent.getPolicyRule().setText("Treatment consent granted at registration (site policy)");
		consent.getPolicyRule().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in"));
		return consent;
	}
}
