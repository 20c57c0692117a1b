package org.consentfhir.identity;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import java.util.List;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;
import org.consentfhir.interceptors.auth.SmartScope.Context;
import org.consentfhir.interceptors.auth.SmartScope.Permission;

/**
 * {@code POST Patient/{id}/$biometric-enroll} with {@code template} (base64Binary, a fingerprint
 * template as the reader gives it): stores the template's keyed hash ({@link BiometricIdentifiers})
 * as one of the patient's identifiers. One fingerprint belongs to one patient: a template already
 * enrolled for another patient is refused with 409, without saying which. The Patient is updated
 * with the caller's own request, so SMART scopes, consent and the audit trail apply as to any
 * update; the template itself is never stored, logged or answered.
 */
public class BiometricEnrollOperation implements FhirOperation {

	private final IFhirResourceDao<Patient> patients;
	private final BiometricIdentifiers identifiers;
	private final BiometricLookup lookup;

	BiometricEnrollOperation(DaoRegistry daos, BiometricIdentifiers identifiers, BiometricLookup lookup) {
		this.patients = daos.getResourceDao(Patient.class);
		this.identifiers = identifiers;
		this.lookup = lookup;
	}

	/** A user or system scope that updates Patients; the update itself is checked again as one. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of(OperationRule.whenAnyScope(s -> s.context() != Context.PATIENT && s.coversType("Patient") && s.allows(Permission.UPDATE),
				rules -> rules.allow("$biometric-enroll, for a writer of Patients").operation().named("$biometric-enroll")
						.onInstancesOfType(Patient.class).andAllowAllResponses()));
	}

	@Operation(name = "$biometric-enroll", type = Patient.class)
	public Parameters enroll(
			@IdParam IdType patientId,
			@OperationParam(name = "template", min = 1, max = 1) Base64BinaryType template,
			RequestDetails request) {
		byte[] bytes = BiometricLookup.bytesOf(template);
		String hash = identifiers.of(bytes);
		String id = patientId.getIdPart();
		var enrolled = lookup.patientsWith(hash);
		if (enrolled.stream().anyMatch(other -> !other.equals(id))) {
			throw new ResourceVersionConflictException("This fingerprint is enrolled for another patient; one fingerprint identifies one patient");
		}
		Parameters answer = new Parameters();
		answer.addParameter().setName("patient").setValue(new Reference("Patient/" + id));
		if (enrolled.contains(id)) {
			answer.addParameter().setName("enrolled").setValue(new BooleanType(false)); // already was
			return answer;
		}
		Patient patient = patients.read(new IdType("Patient", id), new SystemRequestDetails());
		patient.addIdentifier().setSystem(BiometricIdentifiers.SYSTEM).setValue(hash).getType().setText("Fingerprint (keyed hash)");
		patient.setId(patient.getIdElement().toUnqualifiedVersionless());
		patients.update(patient, request);
		answer.addParameter().setName("enrolled").setValue(new BooleanType(true));
		return answer;
	}
}
