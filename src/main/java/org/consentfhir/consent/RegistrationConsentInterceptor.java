package org.consentfhir.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Instant;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import java.util.List;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.consentfhir.interceptors.consent.PrivacyConsents;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.interceptors.policy.PolicyInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;

/**
 * The site's registration rule ({@code fhir.consent.grant-treatment-on-registration}): a Patient
 * registered by a practitioner gets, as soon as the registration commits, an active Consent permitting
 * treatment ({@code TREAT}) to the practitioner's organizations, or to the practitioner when they
 * belong to none. The patient can revoke it like any other. Hooks {@code STORAGE_PRECOMMIT_RESOURCE_CREATED}.
 */
@Interceptor
public class RegistrationConsentInterceptor implements PolicyInterceptor {

	private final DaoRegistry daos;
	private final ConsentCallers callers;
	private final TransactionTemplate newTransaction;

	public RegistrationConsentInterceptor(DaoRegistry daos, ConsentCallers callers, PlatformTransactionManager transactions) {
		this.daos = daos;
		this.callers = callers;
		this.newTransaction = new TransactionTemplate(transactions);
		this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
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
			grantees = caller.actors().stream().filter(a -> a.startsWith("Practitioner/")).filter(this::stored).toList();
		}
		if (grantees.isEmpty()) {
			return;
		}
		Consent consent = treatmentConsent(resource.getIdElement().getIdPart(), grantees);
		// Stored once the registration has committed, in a transaction of its own: it never joins the
		// transaction HAPI is still processing, and a registration that rolls back grants nothing.
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					// the finished transaction's resources are still bound: the Consent needs a transaction of its own
					newTransaction.executeWithoutResult(status -> daos.getResourceDao(Consent.class).create(consent, new SystemRequestDetails()));
				}
			});
		} else {
			daos.getResourceDao(Consent.class).create(consent, new SystemRequestDetails());
		}
	}

	/** A token may name a practitioner this server does not hold (an external identity provider's user). */
	private boolean stored(String practitioner) {
		try {
			daos.getResourceDao("Practitioner").read(new org.hl7.fhir.r4.model.IdType(practitioner), new SystemRequestDetails());
			return true;
		} catch (ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException | ca.uhn.fhir.rest.server.exceptions.ResourceGoneException e) {
			return false;
		}
	}

	static Consent treatmentConsent(String patientId, List<String> grantees) {
		Consent consent = PrivacyConsents.permit(patientId, grantees, List.of(PurposeOfUse.TREAT), Instant.now());
		consent.getPolicyRule().setText("Treatment consent granted at registration (site policy)");
		consent.getPolicyRule().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in"));
		return consent;
	}
}
