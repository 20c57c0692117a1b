package org.consentfhir.breakglass;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import org.consentfhir.audit.DurableAuditSink;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.consent.BreakGlassRoles;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Emergency access: the {@code $break-glass} operations and the Flags they raise. */
@Configuration
public class BreakGlassConfig {

	/** Who may break the glass, for the consent decision of a single request as for the operation. */
	@Bean
	BreakGlassRoles breakGlassRoles(BreakGlassProperties properties) {
		return new BreakGlassRoles(properties.resolvedRoles());
	}

	@Bean
	BreakGlassFlags breakGlassFlags(DaoRegistry daos) {
		return new BreakGlassFlags(daos);
	}

	@Bean
	PerRequestBreakGlassFlags perRequestBreakGlassFlags(BreakGlassFlags flags) {
		return new PerRequestBreakGlassFlags(flags);
	}

	@Bean
	BreakGlassOperation breakGlassOperation(DaoRegistry daos, BreakGlassFlags flags, ConsentCallers callers,
			AccessAuditEvents events, DurableAuditSink audit, BreakGlassProperties properties) {
		return new BreakGlassOperation(daos, flags, callers, events, audit, properties, Clock.systemUTC());
	}
}
