package org.consentfhir.audit;

import org.consentfhir.interceptors.audit.AuditPurpose;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Shapes BALP's AuditEvents for storage.
 *
 * <ul>
 *   <li>The records an event is about (BALP entity role 4, "domain resource") are kept as
 *       identifiers ({@code Observation/12/_history/3}), not references: they need not exist any
 *       more (a delete). The patient entity stays a reference, which is what
 *       {@code AuditEvent?patient=} and {@code $access-log} search by.</li>
 *   <li>The events of one write transaction are merged: one event per action and set of patients,
 *       listing every record, instead of one per record (a Synthea bundle writes thousands).</li>
 * </ul>
 */
final class AuditRecords {

	static final String RESOURCE_SYSTEM = "urn:consentfhir:resource";
	private static final String DOMAIN_RESOURCE_ROLE = "4";
	private static final String PATIENT_ROLE = "1";
	static final int MAX_RECORDS_PER_EVENT = 100;

	private AuditRecords() {}

	static AuditEvent normalize(AuditEvent event) {
		AuditPurpose.apply(event);
		for (AuditEventEntityComponent entity : event.getEntity()) {
			boolean record = DOMAIN_RESOURCE_ROLE.equals(entity.getRole().getCode());
			// a transaction placeholder that named no new patient (BALP cannot tell a Provenance's targets apart)
			boolean placeholder = entity.getWhat().hasReference() && entity.getWhat().getReference().startsWith("urn:");
			if (entity.getWhat().hasReference() && (record || placeholder)) {
				entity.setWhat(asIdentifier(entity.getWhat().getReference()));
			}
		}
		return event;
	}

	/**
	 * One event per action, BALP profile and set of patients, with the records of all, at most
	 * {@link #MAX_RECORDS_PER_EVENT} records to an event (the cost of storing an event grows faster
	 * than its size).
	 */
	static List<AuditEvent> merge(List<AuditEvent> events) {
		Map<String, AuditEvent> open = new LinkedHashMap<>();
		List<AuditEvent> merged = new ArrayList<>();
		for (AuditEvent event : events) {
			String key = key(event);
			AuditEvent into = open.get(key);
			if (into == null || records(into) + records(event) > MAX_RECORDS_PER_EVENT) {
				open.put(key, event);
				merged.add(event);
				continue;
			}
			event.getEntity().stream()
					.filter(e -> DOMAIN_RESOURCE_ROLE.equals(e.getRole().getCode()))
					.forEach(into::addEntity);
		}
		return merged;
	}

	private static long records(AuditEvent event) {
		return event.getEntity().stream().filter(e -> DOMAIN_RESOURCE_ROLE.equals(e.getRole().getCode())).count();
	}

	private static String key(AuditEvent event) {
		String patients = event.getEntity().stream()
				.filter(e -> PATIENT_ROLE.equals(e.getRole().getCode()))
				.map(e -> e.getWhat().hasReference() ? e.getWhat().getReference() : e.getWhat().getIdentifier().getValue())
				.sorted()
				.collect(Collectors.joining(","));
		String profile = event.getMeta().getProfile().isEmpty() ? "" : event.getMeta().getProfile().get(0).getValue();
		return event.getAction() + "|" + event.getSubtypeFirstRep().getCode() + "|" + profile + "|" + patients;
	}

	private static Reference asIdentifier(String reference) {
		return new Reference().setIdentifier(new Identifier().setSystem(RESOURCE_SYSTEM).setValue(reference)).setDisplay(reference);
	}
}
