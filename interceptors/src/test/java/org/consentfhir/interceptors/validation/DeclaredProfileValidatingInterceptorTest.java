package org.consentfhir.interceptors.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The interceptor against the project's real Patient profile, without Spring or a database. */
class DeclaredProfileValidatingInterceptorTest {

	private static final String PROFILE = "https://consentfhir.org/fhir/StructureDefinition/india-patient";
	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static DeclaredProfileValidatingInterceptor interceptor;

	@BeforeAll
	static void loadTheProjectProfile() throws IOException {
		String json = Files.readString(Path.of("fhir-profiles/StructureDefinition-india-patient.json"));
		PrePopulatedValidationSupport projectProfiles = new PrePopulatedValidationSupport(FHIR);
		projectProfiles.addStructureDefinition(FHIR.newJsonParser().parseResource(StructureDefinition.class, json));
		ValidationSupportChain chain = new ValidationSupportChain(
				projectProfiles,
				new DefaultProfileValidationSupport(FHIR),
				new SnapshotGeneratingValidationSupport(FHIR),
				new InMemoryTerminologyServerValidationSupport(FHIR),
				new CommonCodeSystemsTerminologyService(FHIR));
		interceptor = new DeclaredProfileValidatingInterceptor(FHIR, chain, new FhirInstanceValidator(chain));
	}

	@Test
	void acceptsAConformingPatient() {
		interceptor.storagePrestorageResourceCreated(patient("22-7225-4829-5255", "asha.sharma@abdm"));
	}

	@Test
	void refusesAMalformedAbhaNumberWith422AndTheValidatorsOutcome() {
		assertThatThrownBy(() -> interceptor.storagePrestorageResourceCreated(patient("22722548295255", "asha@abdm")))
				.isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
					assertThat(e.getStatusCode()).isEqualTo(422);
					OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
					assertThat(outcome.getIssue()).anyMatch(i -> i.getDiagnostics().contains("abha-number"));
				});
	}

	@Test
	void appliesTheAbhaAddressRules() {
		for (String bad : new String[] {"9asha@abdm", ".asha@abdm", "asha.@abdm", "ash@abdm", "asha@gmail", "as ha@sbx"}) {
			assertThatThrownBy(() -> interceptor.storagePrestorageResourceUpdated(null, patient("22-7225-4829-5255", bad)))
					.as(bad)
					.isInstanceOf(UnprocessableEntityException.class);
		}
		for (String good : new String[] {"asha@sbx", "a.sha9@abdm", "22722548295255@abdm"}) {
			interceptor.storagePrestorageResourceUpdated(null, patient("22-7225-4829-5255", good));
		}
	}

	@Test
	void ignoresResourcesThatClaimNoKnownProfile() {
		Patient unprofiled = new Patient();
		interceptor.storagePrestorageResourceCreated(unprofiled);
		Patient unknown = new Patient();
		unknown.getMeta().addProfile("http://example.org/StructureDefinition/unknown");
		interceptor.storagePrestorageResourceCreated(unknown);
		assertThat(interceptor.knownClaimedProfiles(unknown)).isEmpty();
	}

	private static Patient patient(String abhaNumber, String abhaAddress) {
		Patient patient = new Patient();
		patient.getMeta().addProfile(PROFILE);
		patient.addIdentifier().setSystem("https://healthid.ndhm.gov.in").setValue(abhaNumber);
		patient.addIdentifier().setSystem("https://healthid.ndhm.gov.in/abha-address").setValue(abhaAddress);
		patient.addName().setFamily("Sharma");
		patient.setGender(AdministrativeGender.FEMALE);
		return patient;
	}
}
