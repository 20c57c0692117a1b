package org.consentfhir.interceptors.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import java.util.UUID;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Every Patient carries one global id: an identifier of system {@link #SYSTEM} whose value is a
 * UUID, the same on every server of this project that holds the person. A Patient created without
 * one is given a fresh UUID; one that arrives with one (the patient is known at another hospital)
 * keeps it, unless another Patient here already has it (409). One that is not a UUID, or a second
 * one, is refused (422). The id is permanent: an update that leaves it out gets it back, and one
 * that changes it is refused (422).
 *
 * <p>Hooks {@code STORAGE_PRESTORAGE_RESOURCE_CREATED} and {@code _UPDATED}, order
 * {@link InterceptorOrder#GLOBAL_PATIENT_ID}: before profile validation checks the id's form.
 */
@Interceptor(order = InterceptorOrder.GLOBAL_PATIENT_ID)
public class GlobalPatientIdInterceptor implements StorageInterceptor {

	public static final String SYSTEM = KnownIdentifiers.GLOBAL_PATIENT_ID.system();

	private final PatientsByIdentifier patients;

	public GlobalPatientIdInterceptor(PatientsByIdentifier patients) {
		this.patients = patients;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource) {
		if (!(resource instanceof Patient patient)) {
			return;
		}
		List<Identifier> ids = globalIds(patient);
		if (ids.isEmpty()) {
			patient.addIdentifier().setSystem(SYSTEM).setValue(UUID.randomUUID().toString());
		} else if (!patients.patientsWith(SYSTEM, ids.get(0).getValue()).isEmpty()) {
			throw new ResourceVersionConflictException("Another Patient already has the global id " + ids.get(0).getValue());
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource previous, IBaseResource updated) {
		if (!(previous instanceof Patient before) || !(updated instanceof Patient after)) {
			return;
		}
		List<Identifier> was = globalIds(before);
		List<Identifier> is = globalIds(after);
		if (was.isEmpty()) {
			storagePrestorageResourceCreated(after); // a Patient stored before global ids existed gets one now
		} else if (is.isEmpty()) {
			after.addIdentifier(was.get(0).copy());
		} else if (!was.get(0).getValue().equals(is.get(0).getValue())) {
			throw new UnprocessableEntityException("A Patient's global id is permanent: it stays " + was.get(0).getValue());
		}
	}

	/** The patient's global id (none or one, in lower-case UUID form); 422 for anything else. */
	private static List<Identifier> globalIds(Patient patient) {
		List<Identifier> ids = patient.getIdentifier().stream().filter(i -> SYSTEM.equals(i.getSystem())).toList();
		if (ids.size() > 1) {
			throw new UnprocessableEntityException("A Patient has one global id (" + SYSTEM + "), not " + ids.size());
		}
		if (ids.size() == 1) {
			KnownIdentifiers.GLOBAL_PATIENT_ID.problemWith(SYSTEM, ids.get(0).getValue()).ifPresent(problem -> {
				throw new UnprocessableEntityException(problem);
			});
		}
		return ids;
	}
}
