package org.consentfhir.abdm;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.consent.ConsentCaller;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.consentfhir.interceptors.auth.OperationRule;
import org.consentfhir.interceptors.auth.FhirOperation;

/**
 * {@code Patient/{id}/$abdm-export?hiType=WellnessRecord&from=…&to=…&careContext=…}: the patient's
 * records as ABDM document Bundles, one per hiType, in a Parameters ({@code document} parts).
 *
 * <ul>
 *   <li>The records are read with the caller's own request, so SMART scopes and consent (purpose,
 *       actors, {@code dataPeriod}) decide what goes in; each patient shown is audited, and the
 *       export itself as a BALP PrivacyDisclosure.</li>
 *   <li>Every document is validated against the IG profiles in {@code fhir-profiles/} before it
 *       leaves; one that does not validate is refused with 422 and the validator's
 *       OperationOutcome (and logged), never returned.</li>
 *   <li>OPConsultation and DischargeSummary report on the period's latest outpatient (AMB) or
 *       inpatient (IMP) encounter; Prescription, ImmunizationRecord, DiagnosticReport (with each
 *       report's result Observations) and HealthDocumentRecord hold the period's MedicationRequests,
 *       Immunizations, DiagnosticReports or DocumentReferences; WellnessRecord the period's
 *       Observations other than laboratory and imaging results, which belong to DiagnosticReport.</li>
 *   <li>{@code careContext} (an encounter's identifier or id, see {@link CareContexts}) narrows every
 *       document to that encounter's records, as ABDM's data flow asks per care context.</li>
 *   <li>A hiType with nothing to report is left out and named in an {@code outcome} part; 422 when
 *       no hiType has anything.</li>
 * </ul>
 */
public class AbdmExportOperation implements FhirOperation {

	private static final Logger log = LoggerFactory.getLogger(AbdmExportOperation.class);
	/** The most records of one type a document holds. */
	private static final int MAX_RECORDS = 5000;

	private final DaoRegistry daos;
	private final FhirValidator validator;
	private final FhirContext fhir;
	private final Organization hip;
	private final AccessAuditEvents events;
	private final IBalpAuditEventSink audit;

	AbdmExportOperation(DaoRegistry daos, IValidationSupport validationSupport, WorkerContextValidationSupportAdapter workerContext,
			Organization hip, AccessAuditEvents events, IBalpAuditEventSink audit) {
		this.daos = daos;
		this.events = events;
		this.audit = audit;
		this.fhir = validationSupport.getFhirContext();
		this.validator = fhir.newValidator().registerValidatorModule(documentValidator(validationSupport, workerContext));
		this.hip = hip;
	}

	/**
	 * HAPI's instance validator on the server's validation support (the core and {@code fhir-profiles/}
	 * definitions): structure, cardinality, invariants, the profiles' fixed and pattern codes, and the
	 * links between a document's entries. Without best-practice advice and without terminology checks:
	 * a document is refused for errors only; the server holds no LOINC or SNOMED CT, so checking their
	 * codes only said "CodeSystem is unknown" for each; and the validator searches its message list on
	 * every new message, so those thousands of warnings made a large document's validation quadratic.
	 * It shares HAPI's worker context (the converted definitions and snapshots, 100 MB and more) with
	 * the server's own validator rather than holding a second copy.
	 */
	private static FhirInstanceValidator documentValidator(IValidationSupport validationSupport, WorkerContextValidationSupportAdapter workerContext) {
		FhirInstanceValidator validator = new FhirInstanceValidator(validationSupport.getFhirContext());
		validator.setWrappedWorkerContext(validationSupport, workerContext);
		validator.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
		validator.setNoTerminologyChecks(true);
		return validator;
	}

	/** For a reader of the Patient; every resource of the documents must be readable too. */
	@Override
	public List<OperationRule> accessRules() {
		return List.of(OperationRule.onPatient("$abdm-export", "Patient", "Patient", true));
	}

	@Operation(name = "$abdm-export", type = Patient.class, idempotent = true)
	public Parameters export(
			@IdParam IdType patientId,
			@OperationParam(name = "hiType", min = 1) List<CodeType> hiTypes,
			@OperationParam(name = "from", max = 1) DateTimeType from,
			@OperationParam(name = "to", max = 1) DateTimeType to,
			@OperationParam(name = "careContext", max = 1) StringType careContext,
			RequestDetails request) {
		Patient patient = daos.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), request);
		Encounter encounter = null;
		if (careContext != null && careContext.hasValue()) {
			encounter = CareContexts.find(daos, patient.getIdElement().getIdPart(), careContext.getValue(), request);
			if (encounter == null) {
				throw new InvalidRequestException(careContext.getValue() + " is not a care context (an encounter) of " + patientId.toUnqualifiedVersionless().getValue());
			}
		}
		Parameters answer = new Parameters();
		OperationOutcome nothing = new OperationOutcome();
		for (CodeType hiType : hiTypes) {
			if (!HI_TYPES.contains(hiType.getCode())) {
				throw new InvalidRequestException("Unknown hiType " + hiType.getCode());
			}
		}
		for (CodeType hiType : hiTypes) {
			try {
				Bundle document = document(hiType.getCode(), patient, encounter, from == null ? null : from.getValue(), to == null ? null : to.getValue(), request);
				answer.addParameter().setName("document").setResource(document);
			} catch (NothingToExport e) {
				nothing.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION).setCode(OperationOutcome.IssueType.NOTFOUND)
						.setDiagnostics(e.getMessage());
			}
		}
		if (!answer.hasParameter()) {
			throw new UnprocessableEntityException("Nothing to export", nothing);
		}
		if (nothing.hasIssue()) {
			answer.addParameter().setName("outcome").setResource(nothing);
		}
		ConsentCaller caller = (ConsentCaller) request.getUserData().get(ConsentCaller.USER_DATA_KEY);
		AccessToken token = (AccessToken) request.getUserData().get(AccessToken.USER_DATA_KEY);
		audit.recordAuditEvent(events.disclosure(request, caller, patient.getIdElement().getIdPart(),
				token == null ? "the requesting client" : "client " + token.clientId(), null,
				caller == null || caller.purpose() == null ? null : caller.purpose().coding(),
				answer.getParameter().stream().filter(p -> p.getResource() instanceof Bundle)
						.map(p -> ((Bundle) p.getResource()).getIdentifier().getValue()).toList()));
		if (request instanceof ServletRequestDetails servlet && servlet.getServletResponse() != null) {
			Object nanos = request.getUserData().get(VALIDATION_NANOS);
			servlet.getServletResponse().addHeader("X-Validation-Ms", String.valueOf(nanos instanceof Long n ? n / 1_000_000 : 0));
		}
		return answer;
	}

	/** Time spent validating this request's documents, for the X-Validation-Ms response header (the benchmark reads it). */
	private static final String VALIDATION_NANOS = AbdmExportOperation.class.getName() + ".validationNanos";

	static final Set<String> HI_TYPES = Set.of("OPConsultation", "Prescription", "DischargeSummary",
			"DiagnosticReport", "ImmunizationRecord", "HealthDocumentRecord", "WellnessRecord");

	/**
	 * The validated document of one hiType (one of {@link #HI_TYPES}) for the period, read with
	 * {@code request}: of the care context's records when {@code careContext} is given, else of all the
	 * patient's (the latest encounter's for OPConsultation and DischargeSummary).
	 */
	Bundle document(String hiType, Patient patient, Encounter careContext, Date from, Date to, RequestDetails request) {
		Period period = new Period(patient, careContext, from, to, request);
		Bundle document = switch (hiType) {
			case "WellnessRecord" -> WellnessRecordDocuments.build(fhir, patient, hip, records(Observation.class, "subject", "date", period).stream()
					.filter(WellnessRecordDocuments::isWellnessReading).toList(), new Date());
			case "OPConsultation" -> encounterDocument(RecordDocuments.OP_CONSULTATION, "AMB", period);
			case "DischargeSummary" -> encounterDocument(RecordDocuments.DISCHARGE_SUMMARY, "IMP", period);
			case "Prescription" -> singleSection(RecordDocuments.PRESCRIPTION, MedicationRequest.class, "subject", "authoredon", period);
			case "ImmunizationRecord" -> singleSection(RecordDocuments.IMMUNIZATION, Immunization.class, "patient", "date", period);
			case "DiagnosticReport" -> diagnosticReports(period);
			case "HealthDocumentRecord" -> singleSection(RecordDocuments.HEALTH_DOCUMENT, DocumentReference.class, "subject", "date", period);
			default -> throw new InvalidRequestException("Unknown hiType " + hiType);
		};
		long start = System.nanoTime();
		requireValid(document);
		request.getUserData().merge(VALIDATION_NANOS, System.nanoTime() - start, (a, b) -> (Long) a + (Long) b);
		return document;
	}

	/** A hiType with nothing to report (in the period, or the care context): 422 when it is all that was asked. */
	static final class NothingToExport extends UnprocessableEntityException {
		NothingToExport(String message) {
			super(message);
		}
	}

	/** What a document is about: the patient, the care context (or null), the period and the request that reads the records. */
	private record Period(Patient patient, Encounter careContext, Date from, Date to, RequestDetails request) {
		String subject() {
			return patient.getIdElement().toUnqualifiedVersionless().getValue();
		}
	}

	/** A single-section document of the period's records of one type; 422 when there are none. */
	private <T extends DomainResource> Bundle singleSection(RecordDocuments.DocumentKind kind, Class<T> type, String patientParam, String dateParam,
			Period period) {
		List<T> records = atLeastOne(records(type, patientParam, dateParam, period), type, kind, period);
		Map<RecordDocuments.SectionKind, List<? extends DomainResource>> sections = Map.of(RecordDocuments.onlySection(kind), records);
		return RecordDocuments.build(fhir, kind, period.patient(), hip, null, sections, new Date());
	}

	/** The records, or {@link NothingToExport} when there are none. */
	private static <T> List<T> atLeastOne(List<T> records, Class<T> type, RecordDocuments.DocumentKind kind, Period period) {
		if (records.isEmpty()) {
			throw new NothingToExport("No " + type.getSimpleName() + " of " + period.subject() + " in the period"
					+ (period.careContext() == null ? "" : " and care context") + ": no " + kind.profile() + " to export");
		}
		return records;
	}

	/** The period's DiagnosticReports, each with the result Observations it refers to; 422 when there are none. */
	private Bundle diagnosticReports(Period period) {
		List<DiagnosticReport> reports = atLeastOne(records(DiagnosticReport.class, "subject", "date", period), DiagnosticReport.class,
				RecordDocuments.DIAGNOSTIC_REPORT, period);
		TokenOrListParam resultIds = new TokenOrListParam();
		reports.stream().flatMap(r -> r.getResult().stream())
				.map(ref -> ref.getReferenceElement())
				.filter(id -> "Observation".equals(id.getResourceType()) && id.hasIdPart())
				.forEach(id -> resultIds.add(new TokenParam(id.getIdPart())));
		List<Observation> results = List.of();
		if (!resultIds.getValuesAsQueryTokens().isEmpty()) {
			SearchParameterMap byId = new SearchParameterMap();
			byId.add("_id", resultIds);
			results = shown(daos.getResourceDao(Observation.class).searchForResources(byId, period.request()), Observation.class);
		}
		Map<RecordDocuments.SectionKind, List<? extends DomainResource>> sections =
				Map.of(RecordDocuments.onlySection(RecordDocuments.DIAGNOSTIC_REPORT), reports);
		return RecordDocuments.build(fhir, RecordDocuments.DIAGNOSTIC_REPORT, period.patient(), hip, null, sections, results, new Date());
	}

	/**
	 * The document of an encounter of the class (AMB outpatient, IMP inpatient): the care context, or
	 * without one the period's latest such encounter, and what was recorded in it.
	 */
	private Bundle encounterDocument(RecordDocuments.DocumentKind kind, String encounterClass, Period period) {
		String subject = period.subject();
		Encounter latest = (period.careContext() == null
				? search(Encounter.class, "subject", subject, "date", period.from(), period.to(), period.request()).stream()
				: Stream.of(period.careContext()))
				.filter(e -> encounterClass.equals(e.getClass_().getCode()))
				.max(Comparator.comparing((Encounter e) -> e.getPeriod().getStart(), Comparator.nullsFirst(Comparator.naturalOrder())))
				.orElseThrow(() -> new NothingToExport("No " + encounterClass + " encounter of " + subject
						+ (period.careContext() == null ? " in the period" : " as the care context") + ": no " + kind.profile() + " to export"));
		String encounter = latest.getIdElement().toUnqualifiedVersionless().getValue();
		RequestDetails request = period.request();
		boolean discharge = kind == RecordDocuments.DISCHARGE_SUMMARY;
		Map<RecordDocuments.SectionKind, List<? extends DomainResource>> sections = new LinkedHashMap<>();
		sections.put(RecordDocuments.CHIEF_COMPLAINTS, search(Condition.class, "encounter", encounter, null, null, null, request));
		sections.put(RecordDocuments.ALLERGIES, search(AllergyIntolerance.class, "patient", subject, null, null, null, request));
		sections.put(discharge ? RecordDocuments.INVESTIGATIONS : RecordDocuments.PHYSICAL_EXAMINATION,
				search(Observation.class, "encounter", encounter, null, null, null, request));
		sections.put(discharge ? RecordDocuments.DISCHARGE_MEDICATIONS : RecordDocuments.MEDICATIONS,
				search(MedicationRequest.class, "encounter", encounter, null, null, null, request));
		if (discharge) {
			sections.put(RecordDocuments.PROCEDURES, search(Procedure.class, "encounter", encounter, null, null, null, request));
		}
		if (sections.values().stream().allMatch(List::isEmpty)) {
			throw new NothingToExport(encounter + " has no records to report: no " + kind.profile() + " to export");
		}
		return RecordDocuments.build(fhir, kind, period.patient(), hip, latest, sections, new Date());
	}

	/** The patient's records of the type in the period, and of the care context when there is one. */
	private <T extends DomainResource> List<T> records(Class<T> type, String patientParam, String dateParam, Period period) {
		return search(type, patientParam, period.subject(), dateParam, period.from(), period.to(), period.request()).stream()
				.filter(r -> period.careContext() == null || CareContexts.recordedIn(fhir, r, period.careContext()))
				.toList();
	}

	/**
	 * Every record of the search the caller may see: HAPI's whole-result search for a request
	 * (records loaded in chunks, each checked by the storage interceptors as it is shown, so consent
	 * and audit apply as to a read), without the REST paging that would cut it to {@code _count}.
	 */
	private <T extends Resource> List<T> search(Class<T> type, String param, String reference, String dateParam,
			Date from, Date to, RequestDetails request) {
		SearchParameterMap search = new SearchParameterMap(param, new ReferenceParam(reference));
		if (dateParam != null && (from != null || to != null)) {
			search.add(dateParam, new DateRangeParam(from == null ? null : new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, from),
					to == null ? null : new DateParam(ParamPrefixEnum.LESSTHAN_OR_EQUALS, to)));
		}
		return shown(daos.getResourceDao(type).searchForResources(search, request), type);
	}

	private static <T extends Resource> List<T> shown(List<? extends IBaseResource> found, Class<T> type) {
		if (found.size() > MAX_RECORDS) {
			throw new UnprocessableEntityException("More than " + MAX_RECORDS + " " + type.getSimpleName()
					+ " records for one document: ask for a shorter period or one care context");
		}
		return found.stream().filter(type::isInstance).map(type::cast).toList();
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
