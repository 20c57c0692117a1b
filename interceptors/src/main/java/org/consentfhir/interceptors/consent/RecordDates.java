package org.consentfhir.interceptors.consent;

import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

/**
 * When a record was made, for a Consent's {@code provision.dataPeriod}: the clinical time of the
 * common record types (an Observation's effective time, an Encounter's start, a prescription's
 * authoring…), else the time the server last stored it; none for the Patient resource itself.
 */
public final class RecordDates {

	private RecordDates() {}

	public static Instant of(IBaseResource resource) {
		if (resource instanceof org.hl7.fhir.r4.model.Patient) {
			return null; // the person, not a record made at some time
		}
		Date date = clinicalDate(resource);
		if (date == null && resource instanceof Resource r && r.getMeta().hasLastUpdated()) {
			date = r.getMeta().getLastUpdated();
		}
		return date == null ? null : date.toInstant();
	}

	private static Date clinicalDate(IBaseResource resource) {
		if (resource instanceof Observation o) {
			return o.hasEffective() ? start(o.getEffective()) : o.getIssued();
		}
		if (resource instanceof Condition c) {
			return c.hasRecordedDate() ? c.getRecordedDate() : start(c.getOnset());
		}
		if (resource instanceof Encounter e) {
			return e.getPeriod().getStart();
		}
		if (resource instanceof MedicationRequest m) {
			return m.getAuthoredOn();
		}
		if (resource instanceof AllergyIntolerance a) {
			return a.hasRecordedDate() ? a.getRecordedDate() : start(a.getOnset());
		}
		if (resource instanceof Procedure p) {
			return start(p.getPerformed());
		}
		if (resource instanceof DiagnosticReport d) {
			return d.hasEffective() ? start(d.getEffective()) : d.getIssued();
		}
		if (resource instanceof Immunization i) {
			return start(i.getOccurrence());
		}
		if (resource instanceof DocumentReference d) {
			return d.getDate();
		}
		if (resource instanceof Composition c) {
			return c.getDate();
		}
		return null;
	}

	private static Date start(Type value) {
		if (value instanceof org.hl7.fhir.r4.model.BaseDateTimeType dateTime) {
			return dateTime.getValue();
		}
		if (value instanceof org.hl7.fhir.r4.model.Period period) {
			return period.getStart();
		}
		return null;
	}
}
