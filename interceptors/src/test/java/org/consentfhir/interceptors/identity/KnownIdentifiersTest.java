package org.consentfhir.interceptors.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.ElementDefinition.ElementDefinitionConstraintComponent;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

class KnownIdentifiersTest {

	@Test
	void refusesValuesOfKnownSystemsNotOfTheirFormNamingTheRule() {
		assertThat(KnownIdentifiers.problemWith(KnownIdentifiers.ABHA_NUMBER.system(), "12-34")).hasValueSatisfying(p -> assertThat(p).startsWith("abha-number"));
		assertThat(KnownIdentifiers.problemWith(KnownIdentifiers.ABHA_NUMBER.system(), null)).isPresent();
		assertThat(KnownIdentifiers.problemWith(KnownIdentifiers.ABHA_ADDRESS.system(), "1asha@abdm")).hasValueSatisfying(p -> assertThat(p).startsWith("abha-address"));
		assertThat(KnownIdentifiers.problemWith(KnownIdentifiers.ABHA_ADDRESS.system(), "asha@gmail.com")).isPresent();
		assertThat(KnownIdentifiers.problemWith(KnownIdentifiers.GLOBAL_PATIENT_ID.system(), "6A1F0F8E-52A4-4C9C-8D7E-0D1F5E2B3C41")).isPresent();

		assertThat(KnownIdentifiers.problemWith(KnownIdentifiers.ABHA_NUMBER.system(), "22-7225-4829-5255")).isEmpty();
		assertThat(KnownIdentifiers.problemWith(KnownIdentifiers.ABHA_ADDRESS.system(), "asha.sharma@sbx")).isEmpty();
		assertThat(KnownIdentifiers.problemWith(KnownIdentifiers.ABHA_ADDRESS.system(), "22722548295255@abdm")).isEmpty();
		assertThat(KnownIdentifiers.problemWith("https://city-hospital.example.org/mrn", "12-34")).isEmpty();
	}

	@Test
	void theIndiaPatientProfileStatesTheSameFormsUnderTheSameKeys() throws IOException {
		StructureDefinition profile = FhirContext.forR4Cached().newJsonParser().parseResource(StructureDefinition.class,
				Files.readString(Path.of("fhir-profiles/StructureDefinition-india-patient.json")));
		for (KnownIdentifiers.Rule rule : KnownIdentifiers.ALL) {
			ElementDefinitionConstraintComponent constraint = profile.getDifferential().getElementFirstRep().getConstraint().stream()
					.filter(c -> c.getKey().equals(rule.key())).findFirst().orElseThrow();
			assertThat(constraint.getExpression()).contains("system = '" + rule.system() + "'").contains(rule.form().pattern().replace("^", "").replace("$", ""));
		}
	}
}
