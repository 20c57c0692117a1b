package org.consentfhir.summary;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.ips.api.Section;
import ca.uhn.fhir.jpa.ips.generator.IpsGeneratorSvcImpl;
import ca.uhn.fhir.jpa.ips.jpa.DefaultJpaIpsGenerationStrategy;
import ca.uhn.fhir.jpa.ips.jpa.JpaSectionSearchStrategy;
import ca.uhn.fhir.jpa.ips.jpa.JpaSectionSearchStrategyCollection;
import jakarta.annotation.Nonnull;
import org.hl7.fhir.r4.model.Flag;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code Patient/{id}/$summary}: the unified health profile as an International Patient Summary
 * document, built by HAPI's IPS generator (allergies, medications, problems, immunizations,
 * procedures, devices, results, vital signs, history, plan of care, ...) with one section more:
 * the patient's active alerts (Flag). Its searches run with the caller's request, so consent hides
 * what the caller may not see, and the records shown are audited as an operation's.
 */
@Configuration
public class SummaryConfig {

	/** IPS section "Alerts" (LOINC 104605-1). */
	static final String ALERTS_SECTION_CODE = "104605-1";

	@Bean
	SummaryOperation summaryOperation(FhirContext fhir, DaoRegistry daos) {
		DefaultJpaIpsGenerationStrategy strategy = new DefaultJpaIpsGenerationStrategy() {
			@Override
			protected void addSections() {
				super.addSections();
				addJpaSection(Section.newBuilder()
								.withTitle("Alerts")
								.withSectionSystem(SECTION_SYSTEM_LOINC)
								.withSectionCode(ALERTS_SECTION_CODE)
								.withSectionDisplay("Alert")
								.withResourceType(Flag.class)
								.withProfile("http://hl7.org/fhir/uv/ips/StructureDefinition/Composition-uv-ips#Composition.section:sectionAlerts")
								.build(),
						JpaSectionSearchStrategyCollection.newBuilder().addStrategy(Flag.class, new ActiveFlags()).build());
			}
		};
		strategy.setDaoRegistry(daos);
		strategy.setFhirContext(fhir);
		return new SummaryOperation(new IpsGeneratorSvcImpl(fhir, strategy));
	}

	private static final class ActiveFlags extends JpaSectionSearchStrategy<Flag> {
		@Override
		public boolean shouldInclude(@Nonnull ca.uhn.fhir.jpa.ips.api.IpsSectionContext<Flag> context, @Nonnull Flag candidate) {
			return candidate.getStatus() == Flag.FlagStatus.ACTIVE;
		}
	}
}
