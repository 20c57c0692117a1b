package org.consentfhir.interceptors.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import org.consentfhir.interceptors.InterceptorOrder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.consentfhir.interceptors.StorageInterceptor;

/**
 * Validates a resource against the profiles it claims in {@code meta.profile} before it is stored,
 * and refuses it with 422 and the validator's OperationOutcome when any issue is an error.
 *
 * <p>Hooks {@link Pointcut#STORAGE_PRESTORAGE_RESOURCE_CREATED} and
 * {@link Pointcut#STORAGE_PRESTORAGE_RESOURCE_UPDATED}: they run inside the storage transaction,
 * so a refused entry rolls back the whole transaction Bundle it came in. Only profiles this server
 * knows (loaded from {@code fhir-profiles/} or stored as StructureDefinitions) are enforced; a
 * resource claiming only unknown profiles is stored as HAPI would store it. Register it with the
 * JPA interceptor service so that every write path, REST or internal, is covered.
 *
 * <p>Order: {@link InterceptorOrder#PROFILE_VALIDATION}. HAPI's own {@code RepositoryValidatingInterceptor}
 * is configured per resource type and answers 412; this server wants one rule for every type and 422.
 */
@Interceptor(order = InterceptorOrder.PROFILE_VALIDATION)
public class DeclaredProfileValidatingInterceptor implements StorageInterceptor {

	private final IValidationSupport validationSupport;
	private final FhirValidator validator;

	public DeclaredProfileValidatingInterceptor(
			FhirContext fhirContext, IValidationSupport validationSupport, IValidatorModule instanceValidator) {
		this.validationSupport = validationSupport;
		this.validator = fhirContext.newValidator().registerValidatorModule(instanceValidator);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void storagePrestorageResourceCreated(IBaseResource resource) {
		validateClaimedProfiles(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void storagePrestorageResourceUpdated(IBaseResource previous, IBaseResource resource) {
		validateClaimedProfiles(resource);
	}

	void validateClaimedProfiles(IBaseResource resource) {
		if (knownClaimedProfiles(resource).isEmpty()) {
			return;
		}
		ValidationResult result = validator.validateWithResult(resource);
		result.getMessages().stream()
				.filter(DeclaredProfileValidatingInterceptor::isError)
				.findFirst()
				.ifPresent(first -> {
					throw new UnprocessableEntityException(
							"Resource does not conform to its declared profile: " + first.getLocationString() + ": "
									+ first.getMessage(),
							result.toOperationOutcome());
				});
	}

	List<String> knownClaimedProfiles(IBaseResource resource) {
		return resource.getMeta().getProfile().stream()
				.map(IPrimitiveType::getValueAsString)
				.filter(url -> url != null && validationSupport.fetchStructureDefinition(url) != null)
				.toList();
	}

	private static boolean isError(SingleValidationMessage message) {
		return message.getSeverity() != null
				&& message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal();
	}
}
