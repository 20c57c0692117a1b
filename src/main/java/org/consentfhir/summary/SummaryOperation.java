package org.consentfhir.summary;

import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.jpa.ips.provider.IpsOperationProvider;
import java.util.List;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;

/** HAPI's {@code $summary} (IPS) provider with its access rule: for a reader of the Patient, every resource of the document readable too. */
class SummaryOperation extends IpsOperationProvider implements FhirOperation {

	SummaryOperation(IIpsGeneratorSvc generator) {
		super(generator);
	}

	@Override
	public List<OperationRule> accessRules() {
		return List.of(OperationRule.onPatient("$summary", "Patient", "Patient", true));
	}
}
