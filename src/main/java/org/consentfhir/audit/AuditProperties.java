package org.consentfhir.audit;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Audit settings, bound from {@code fhir.audit.*} (environment {@code FHIR_AUDIT_*}).
 *
 * @param retention     how long AuditEvents are kept (default 2557 days, seven years); older ones are removed by the retention job
 * @param retentionRunEvery how often the retention job runs (default daily)
 */
@Validated
@ConfigurationProperties(prefix = "fhir.audit")
public record AuditProperties(@NotNull Duration retention, @NotNull Duration retentionRunEvery) {}
