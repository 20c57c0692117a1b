package org.consentfhir.interceptors.identity;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Refuses (422, naming each broken rule) a write of any resource with an identifier of a system the
 * server knows ({@link KnownIdentifiers}: ABHA number, ABHA address, global patient id) whose value
 * is not of that system's form, wherever in the resource the identifier sits (a Patient's own
 * identifiers, a reference by identifier, a contained resource). Without it a Patient that claims no
 * profile was stored with an ABHA "number" such as {@code 12-34}.
 *
 * <p>Hooks {@code STORAGE_PRESTORAGE_RESOURCE_CREATED} and {@code _UPDATED}, so every entry of a
 * transaction too. Order {@link InterceptorOrder#KNOWN_IDENTIFIERS}: after profile validation, so a
 * resource that claims a profile gets the validator's full list of problems first.
 */
@Interceptor(order = InterceptorOrder.KNOWN_IDENTIFIERS)
public class KnownIdentifierInterceptor implements StorageInterceptor {

	private final FhirContext fhir;

	public KnownIdentifierInterceptor(FhirContext fhir) {
		this.fhir = fhir;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource) {
		check(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource previous, IBaseResource updated) {
		check(updated);
	}

	private void check(IBaseResource resource) {
		List<String> problems = fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Identifier.class).stream()
				.flatMap(id -> KnownIdentifiers.problemWith(id.getSystem(), id.getValue()).stream())
				.toList();
		if (!problems.isEmpty()) {
			throw new UnprocessableEntityException(problems.toArray(String[]::new));
		}
	}
}
