package org.consentfhir.auth.server;

import org.consentfhir.interceptors.FhirIds;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.consentfhir.interceptors.auth.AccessToken;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /admin/launch-contexts} ({@code {"patient":"123","encounter":"456"}}): an EHR, with a
 * token carrying the {@code launch.create} scope, registers the context of an EHR launch and gets the
 * {@code launch} value to open the app with ({@code ?launch=…&iss=<FHIR base>}).
 */
@RestController
@ConditionalOnProperty(prefix = "fhir.auth.builtin-server", name = "enabled", havingValue = "true", matchIfMissing = true)
class LaunchContextController {


	private final LaunchContexts contexts;
	private final AdminTokens tokens;

	LaunchContextController(LaunchContexts contexts, AdminTokens tokens) {
		this.contexts = contexts;
		this.tokens = tokens;
	}

	record NewContext(String patient, String encounter) {}

	@PostMapping(path = "/admin/launch-contexts", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> create(HttpServletRequest request, @RequestBody NewContext body) {
		AccessToken ehr = tokens.require(request, "launch.create");
		if (body == null || body.patient() == null || !FhirIds.isId(body.patient())
				|| body.encounter() != null && !FhirIds.isId(body.encounter())) {
			throw new Problem(HttpStatus.BAD_REQUEST, "patient (and encounter, if given) must be resource ids");
		}
		String launch = contexts.register(new LaunchContexts.LaunchContext(body.patient(), body.encounter(), ehr.describe()));
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("launch", launch));
	}
}
