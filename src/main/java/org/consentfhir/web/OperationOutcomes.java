package org.consentfhir.web;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The OperationOutcome of a refusal made outside HAPI's servlet (servlet filters, the admin API), so
 * that every error of this server reads the same way HAPI's own do: one error issue, JSON, encoded
 * by HAPI's parser.
 */
public final class OperationOutcomes {

	public static final String CONTENT_TYPE = "application/fhir+json";
	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private OperationOutcomes() {}

	public static String json(IssueType code, String diagnostics) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(code).setDiagnostics(diagnostics);
		return FHIR.newJsonParser().encodeResourceToString(outcome);
	}

	public static void write(HttpServletResponse response, int status, IssueType code, String diagnostics) throws IOException {
		response.setStatus(status);
		response.setContentType(CONTENT_TYPE);
		response.getWriter().write(json(code, diagnostics));
	}
}
