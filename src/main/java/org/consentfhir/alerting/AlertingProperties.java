package org.consentfhir.alerting;

import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentfhir.interceptors.auth.Role;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Clinical alerting settings, bound from {@code fhir.alerting.*} (environment {@code FHIR_ALERTING_*}).
 *
 * @param enabled          raise alerts for readings (default true); {@code false} only for the benchmark's comparison
 * @param acknowledgeRoles the roles that may acknowledge (close) an alert Flag (default doctor, admin)
 * @param ruleEditorRoles  the roles that may create, change or delete ObservationDefinitions (default admin)
 */
@Validated
@ConfigurationProperties(prefix = "fhir.alerting")
public record AlertingProperties(boolean enabled, @NotEmpty List<String> acknowledgeRoles, @NotEmpty List<String> ruleEditorRoles) {

	public Set<Role> resolvedAcknowledgeRoles() {
		return resolve("acknowledge-roles", acknowledgeRoles);
	}

	public Set<Role> resolvedRuleEditorRoles() {
		return resolve("rule-editor-roles", ruleEditorRoles);
	}

	private static Set<Role> resolve(String property, List<String> names) {
		return names.stream()
				.map(r -> Role.of(r).orElseThrow(() -> new IllegalArgumentException("fhir.alerting." + property + ": unknown role " + r)))
				.collect(Collectors.toUnmodifiableSet());
	}
}
