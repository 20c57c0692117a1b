package org.consentfhir.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.consentfhir.interceptors.consent.GrantedConsents;
import org.hl7.fhir.r4.model.Consent;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Stores the Consents the server grants by its own rule through HAPI's DAO, after the transaction that led to them. */
class DaoGrantedConsents implements GrantedConsents {

	private final DaoRegistry daos;
	private final TransactionTemplate newTransaction;

	DaoGrantedConsents(DaoRegistry daos, PlatformTransactionManager transactions) {
		this.daos = daos;
		this.newTransaction = new TransactionTemplate(transactions);
		this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	@Override
	public void storeAfterCommit(Consent consent) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					// the finished transaction's resources are still bound: the Consent needs a transaction of its own
					newTransaction.executeWithoutResult(status -> store(consent));
				}
			});
		} else {
			store(consent);
		}
	}

	private void store(Consent consent) {
		daos.getResourceDao(Consent.class).create(consent, new SystemRequestDetails());
	}
}
