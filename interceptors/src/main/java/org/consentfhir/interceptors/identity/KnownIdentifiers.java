package org.consentfhir.interceptors.identity;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identifier systems this server knows and the form of their values: the one home of these
 * rules. The India Patient profile ({@code fhir-profiles/StructureDefinition-india-patient.json})
 * states the same forms as FHIRPath constraints of the same keys, and a test keeps the two equal; the
 * server applies them to every identifier of every write, profile claimed or not
 * ({@link KnownIdentifierInterceptor}).
 */
public final class KnownIdentifiers {

	/** One rule: the values of identifiers of {@code system} match {@code form}. */
	public record Rule(String key, String system, Pattern form, String human) {

		/** @return the rule broken by {@code value} in {@code system}, named by its key, or empty */
		Optional<String> problemWith(String system, String value) {
			if (!this.system.equals(system) || (value != null && form.matcher(value).matches())) {
				return Optional.empty();
			}
			return Optional.of(key + ": " + human + "; not '" + (value == null ? "" : value) + "'");
		}
	}

	public static final Rule ABHA_NUMBER = new Rule("abha-number", "https://healthid.ndhm.gov.in",
			Pattern.compile("^[0-9]{2}-[0-9]{4}-[0-9]{4}-[0-9]{4}$"),
			"an ABHA number is 14 digits written as 2-4-4-4 (for example 22-7225-4829-5255)");

	public static final Rule ABHA_ADDRESS = new Rule("abha-address", "https://healthid.ndhm.gov.in/abha-address",
			Pattern.compile("^([A-Za-z][A-Za-z0-9.]{2,}[A-Za-z0-9]@(abdm|sbx)|[0-9]{14}@abdm)$"),
			"an ABHA address is name@abdm or name@sbx (at least 4 letters, digits or dots, starting with a letter and "
					+ "not ending with a dot) or the 14-digit ABHA number followed by @abdm");

	public static final Rule GLOBAL_PATIENT_ID = new Rule("global-id", "https://consentfhir.org/fhir/global-patient-id",
			Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
			"a global patient id is a lower-case UUID");

	public static final List<Rule> ALL = List.of(ABHA_NUMBER, ABHA_ADDRESS, GLOBAL_PATIENT_ID);

	private KnownIdentifiers() {}

	/** @return the rule broken by an identifier of {@code system} with {@code value}, or empty (also for unknown systems) */
	public static Optional<String> problemWith(String system, String value) {
		for (Rule rule : ALL) {
			Optional<String> problem = rule.problemWith(system, value);
			if (problem.isPresent()) {
				return problem;
			}
		}
		return Optional.empty();
	}
}
