package org.consentfhir.auth.server;

import org.consentfhir.web.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
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

	@RestControllerAdvice(assignableTypes = {AdminUsersController.class, AdminClientsController.class, LaunchContextController.class})
	static final class Handler {

		@ExceptionHandler(Problem.class)
		ResponseEntity<String> problem(Problem problem) {
			return outcome(problem.status, problem.getMessage());
		}

		@ExceptionHandler(org.springframework.http.converter.HttpMessageNotReadableException.class)
		ResponseEntity<String> unreadable(Exception e) {
			return outcome(HttpStatus.BAD_REQUEST, "the request body is not the expected JSON");
		}

		private static ResponseEntity<String> outcome(HttpStatus status, String message) {
			IssueType code = switch (status) {
				case UNAUTHORIZED -> IssueType.LOGIN;
				case FORBIDDEN -> IssueType.FORBIDDEN;
				case CONFLICT -> IssueType.DUPLICATE;
				case NOT_FOUND -> IssueType.NOTFOUND;
				default -> IssueType.INVALID;
			};
			ResponseEntity.BodyBuilder response =
					ResponseEntity.status(status).header(HttpHeaders.CONTENT_TYPE, OperationOutcomes.CONTENT_TYPE);
			if (status == HttpStatus.UNAUTHORIZED) {
				response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"admin\"");
			}
			return response.body(OperationOutcomes.json(code, message));
		}
	}
}
