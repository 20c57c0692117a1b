package org.consentfhir.abdm;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Patient/{id}/$abdm-export?hiType=WellnessRecord&from=…&to=…}: the patient's records as ABDM
 * document Bundles, one per hiType, in a Parameters ({@code document} parts). The records are read
 * with the caller's own request, so SMART scopes and consent (purpose, actors, {@code dataPeriod})
 * decide what goes in, and each patient shown is audited. Every document is validated with HAPI's
 * validator against the IG profiles in {@code fhir-profiles/} before it leaves; one that does not
 * validate is refused with 422 and the validator's OperationOutcome (and logged), never returned.
 * OPConsultation and DischargeSummary report on the period's latest outpatient (AMB) or inpatient
 * (IMP) encounter; Prescription, ImmunizationRecord, DiagnosticReport and HealthDocumentRecord hold
 * the period's MedicationRequests, Immunizations, DiagnosticReports or DocumentReferences. A hiType
 * with nothing in the period is 422.
 */
public class AbdmExportOperation {

	private static final Logger log = LoggerFactory.getLogger(AbdmExportOperation.class);
	/** The most records of one type a document holds. */
	private static final int MAX_RECORDS = 5000;
	private static final int WINDOW = 500;

	private final DaoRegistry daos;
	private final FhirValidator validator;
	private final ca.uhn.fhir.context.FhirContext fhir;
	private final Organization hip;

	AbdmExportOperation(DaoRegistry daos, IValidationSupport validationSupport, IValidatorModule instanceValidator, Organization hip) {
		this.daos = daos;
		this.fhir = validationSupport.getFhirContext();
		this.validator = fhir.newValidator().registerValidatorModule(instanceValidator);
		this.hip = hip;
	}

	@Operation(name = "$abdm-export", type = Patient.class, idempotent = true)
	public Parameters export(
			@IdParam IdType patientId,
			@OperationParam(name = "hiType", min = 1) List<CodeType> hiTypes,
			@OperationParam(name = "from", max = 1) DateTimeType from,
			@OperationParam(name = "to", max = 1) DateTimeType to,
			RequestDetails request) {
		Patient patient = daos.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), request);
		Parameters answer = new Parameters();
		for (CodeType hiType : hiTypes) {
			if (!HI_TYPES.contains(hiType.getCode())) {
				throw new InvalidRequestException("Unknown hiType " + hiType.getCode());
			}
			Bundle document = document(hiType.getCode(), patient, from == null ? null : from.getValue(), to == null ? null : to.getValue(), request);
			answer.addParameter().setName("document").setResource(document);
		}
		if (request instanceof ca.uhn.fhir.rest.server.servlet.ServletRequestDetails servlet && servlet.getServletResponse() != null) {
			Object nanos = request.getUserData().get(VALIDATION_NANOS);
			servlet.getServletResponse().addHeader("X-Validation-Ms", String.valueOf(nanos instanceof Long n ? n / 1_000_000 : 0));
		}
		return answer;
	}

	/** Time spent validating this request's documents, for the X-Validation-Ms response header (the benchmark reads it). */
	private static final String VALIDATION_NANOS = AbdmExportOperation.class.getName() + ".validationNanos";

	static final java.util.Set<String> HI_TYPES = java.util.Set.of("OPConsultation", "Prescription", "DischargeSummary",
			"DiagnosticReport", "ImmunizationRecord", "HealthDocumentRecord", "WellnessRecord");

	/** The validated document of one hiType (one of {@link #HI_TYPES}) for the period, read with {@code request}. */
	Bundle document(String hiType, Patient patient, Date from, Date to, RequestDetails request) {
		Bundle document = switch (hiType) {
			case "WellnessRecord" -> WellnessRecordDocuments.build(fhir, patient, hip, readings(patient, from, to, request), new Date());
			case "OPConsultation" -> encounterDocument(RecordDocuments.OP_CONSULTATION, "AMB", patient, from, to, request);
			case "DischargeSummary" -> encounterDocument(RecordDocuments.DISCHARGE_SUMMARY, "IMP", patient, from, to, request);
			case "Prescription" -> singleSection(RecordDocuments.PRESCRIPTION, org.hl7.fhir.r4.model.MedicationRequest.class, "subject", "authoredon", patient, from, to, request);
			case "ImmunizationRecord" -> singleSection(RecordDocuments.IMMUNIZATION, org.hl7.fhir.r4.model.Immunization.class, "patient", "date", patient, from, to, request);
			case "DiagnosticReport" -> singleSection(RecordDocuments.DIAGNOSTIC_REPORT, org.hl7.fhir.r4.model.DiagnosticReport.class, "subject", "date", patient, from, to, request);
			case "HealthDocumentRecord" -> singleSection(RecordDocuments.HEALTH_DOCUMENT, org.hl7.fhir.r4.model.DocumentReference.class, "subject", "date", patient, from, to, request);
			default -> throw new InvalidRequestException("Unknown hiType " + hiType);
		};
		long start = System.nanoTime();
		requireValid(document);
		request.getUserData().merge(VALIDATION_NANOS, System.nanoTime() - start, (a, b) -> (Long) a + (Long) b);
		return document;
	}

	/** A single-section document of the period's records of one type; 422 when there are none. */
	private <T extends org.hl7.fhir.r4.model.DomainResource> Bundle singleSection(RecordDocuments.DocumentKind kind, Class<T> type,
			String patientParam, String dateParam, Patient patient, Date from, Date to, RequestDetails request) {
		String subject = patient.getIdElement().toUnqualifiedVersionless().getValue();
		List<T> records = search(type, patientParam, subject, dateParam, from, to, request);
		if (records.isEmpty()) {
			throw new UnprocessableEntityException("No " + type.getSimpleName() + " of " + subject + " in the period: no " + kind.profile() + " to export");
		}
		java.util.Map<RecordDocuments.SectionKind, List<? extends org.hl7.fhir.r4.model.DomainResource>> sections =
				java.util.Map.of(RecordDocuments.onlySection(kind), records);
		return RecordDocuments.build(fhir, kind, patient, hip, null, sections, new Date());
	}

	/** The period's latest encounter of the class (AMB outpatient, IMP inpatient) and what was recorded in it. */
	private Bundle encounterDocument(RecordDocuments.DocumentKind kind, String encounterClass, Patient patient, Date from, Date to,
			RequestDetails request) {
		String subject = patient.getIdElement().toUnqualifiedVersionless().getValue();
		List<Encounter> encounters = search(Encounter.class, "subject", subject, "date", from, to, request).stream()
				.filter(e -> encounterClass.equals(e.getClass_().getCode()))
				.toList();
		Encounter latest = encounters.stream()
				.max(java.util.Comparator.comparing((Encounter e) -> e.getPeriod().getStart(), java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
				.orElseThrow(() -> new UnprocessableEntityException("No " + encounterClass + " encounter of " + subject + " in the period: no "
						+ kind.profile() + " to export"));
		String encounter = latest.getIdElement().toUnqualifiedVersionless().getValue();
		boolean discharge = kind == RecordDocuments.DISCHARGE_SUMMARY;
		java.util.Map<RecordDocuments.SectionKind, List<? extends org.hl7.fhir.r4.model.DomainResource>> sections = new java.util.LinkedHashMap<>();
		sections.put(RecordDocuments.CHIEF_COMPLAINTS, search(org.hl7.fhir.r4.model.Condition.class, "encounter", encounter, null, null, null, request));
		sections.put(RecordDocuments.ALLERGIES, search(org.hl7.fhir.r4.model.AllergyIntolerance.class, "patient", subject, null, null, null, request));
		sections.put(discharge ? RecordDocuments.INVESTIGATIONS : RecordDocuments.PHYSICAL_EXAMINATION,
				search(Observation.class, "encounter", encounter, null, null, null, request));
		sections.put(discharge ? RecordDocuments.DISCHARGE_MEDICATIONS : RecordDocuments.MEDICATIONS,
				search(org.hl7.fhir.r4.model.MedicationRequest.class, "encounter", encounter, null, null, null, request));
		if (discharge) {
			sections.put(RecordDocuments.PROCEDURES, search(org.hl7.fhir.r4.model.Procedure.class, "encounter", encounter, null, null, null, request));
		}
		if (sections.values().stream().allMatch(List::isEmpty)) {
			throw new UnprocessableEntityException(encounter + " has no records to report: no " + kind.profile() + " to export");
		}
		return RecordDocuments.build(fhir, kind, patient, hip, latest, sections, new Date());
	}

	/**
	 * Every record of the search, read with the caller's request. Like HAPI's IPS generator, the search
	 * is an ordinary (stored) one read in windows: HAPI gives a synchronous search made with a REST
	 * request the caller's {@code _count}, or the default page size, as its whole length.
	 */
	private <T extends org.hl7.fhir.r4.model.Resource> List<T> search(Class<T> type, String param, String reference, String dateParam,
			Date from, Date to, RequestDetails request) {
		SearchParameterMap search = new SearchParameterMap(param, new ReferenceParam(reference));
		if (dateParam != null && (from != null || to != null)) {
			search.add(dateParam, new DateRangeParam(from == null ? null : new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, from),
					to == null ? null : new DateParam(ParamPrefixEnum.LESSTHAN_OR_EQUALS, to)));
		}
		return all(daos.getResourceDao(type).search(search, request)).stream().filter(type::isInstance).map(type::cast).toList();
	}

	private List<Observation> readings(Patient patient, Date from, Date to, RequestDetails request) {
		return search(Observation.class, "subject", patient.getIdElement().toUnqualifiedVersionless().getValue(), "date", from, to, request);
	}

	/**
	 * Every result the caller may see, window by window. A window can come back short, or empty,
	 * where consent hides records, so the end is the result's size, not the first empty window.
	 */
	private static List<IBaseResource> all(IBundleProvider result) {
		Integer size = result.size();
		int end = size == null ? MAX_RECORDS : Math.min(size, MAX_RECORDS);
		List<IBaseResource> all = new ArrayList<>();
		for (int from = 0; from < end; from += WINDOW) {
			List<IBaseResource> window = result.getResources(from, Math.min(end, from + WINDOW));
			if (window.isEmpty() && size == null) {
				break;
			}
			all.addAll(window);
		}
		return all;
	}

	private void requireValid(Bundle document) {
		ValidationResult result = validator.validateWithResult(document);
		boolean invalid = result.getMessages().stream()
				.anyMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL);
		if (invalid) {
			OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
			log.error("An ABDM export did not validate and was not returned: {}", result.getMessages().stream()
					.filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
					.map(m -> m.getLocationString() + " " + m.getMessage()).toList());
			throw new UnprocessableEntityException("The export does not validate against the ABDM profiles", outcome);
		}
	}
}
