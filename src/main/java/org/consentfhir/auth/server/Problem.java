package org.consentfhir.auth.server;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A refusal of the admin API, answered with its status and an OperationOutcome, like the FHIR endpoint. */
final class Problem extends RuntimeException {

	final HttpStatus status;

	Problem(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	@RestControllerAdvice(assignableTypes = {AdminUsersController.class, LaunchContextController.class})
	static final class Handler {

		private static final FhirContext FHIR = FhirContext.forR4Cached();

		@ExceptionHandler(Problem.class)
		ResponseEntity<String> problem(Problem problem) {
			return outcome(problem.status, problem.getMessage());
		}

		@ExceptionHandler(org.springframework.http.converter.HttpMessageNotReadableException.class)
		ResponseEntity<String> unreadable(Exception e) {
			return outcome(HttpStatus.BAD_REQUEST, "the request body is not the expected JSON");
		}

		private static ResponseEntity<String> outcome(HttpStatus status, String message) {
			OperationOutcome outcome = new OperationOutcome();
			outcome.addIssue()
					.setSeverity(OperationOutcome.IssueSeverity.ERROR)
					.setCode(status == HttpStatus.UNAUTHORIZED ? OperationOutcome.IssueType.LOGIN
							: status == HttpStatus.FORBIDDEN ? OperationOutcome.IssueType.FORBIDDEN
							: status == HttpStatus.CONFLICT ? OperationOutcome.IssueType.DUPLICATE
							: status == HttpStatus.NOT_FOUND ? OperationOutcome.IssueType.NOTFOUND
							: OperationOutcome.IssueType.INVALID)
					.setDiagnostics(message);
			ResponseEntity.BodyBuilder response = ResponseEntity.status(status).header(HttpHeaders.CONTENT_TYPE, "application/fhir+json");
			if (status == HttpStatus.UNAUTHORIZED) {
				response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"admin\"");
			}
			return response.body(FHIR.newJsonParser().encodeResourceToString(outcome));
		}
	}
}
