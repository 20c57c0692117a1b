package org.consentfhir.auth.server;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.StringParam;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The patient picker of a practitioner's standalone launch ({@link PatientPicker}): search by name,
 * pick one, and the authorization request continues with {@code launch_patient}. Only for a
 * signed-in user (the sign-in chain guards {@code /launch/**}).
 */
@RestController
@ConditionalOnProperty(prefix = "fhir.auth.builtin-server", name = "enabled", havingValue = "true", matchIfMissing = true)
class PatientPickerController {

	private final DaoRegistry daos;

	PatientPickerController(DaoRegistry daos) {
		this.daos = daos;
	}

	@GetMapping(path = PatientPicker.PAGE, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String page(HttpServletRequest request, @RequestParam(name = "q", required = false) String query) {
		String authorizeQuery = withoutParameter(request.getQueryString(), "q");
		StringBuilder html = new StringBuilder("<!doctype html><html><head><title>Choose a patient</title></head><body>")
				.append("<h1>Choose the patient for this app</h1>")
				.append("<form method=\"get\" action=\"").append(PatientPicker.PAGE).append("\">");
		UriComponentsBuilder.fromUriString("?" + authorizeQuery).build().getQueryParams().forEach((name, values) -> values.forEach(value ->
				html.append("<input type=\"hidden\" name=\"").append(HtmlUtils.htmlEscape(name)).append("\" value=\"")
						.append(HtmlUtils.htmlEscape(decode(value))).append("\">")));
		html.append("<input name=\"q\" placeholder=\"family or given name\" value=\"")
				.append(HtmlUtils.htmlEscape(query == null ? "" : query)).append("\"><button>Search</button></form><ul>");
		for (IBaseResource found : patients(query)) {
			Patient patient = (Patient) found;
			String id = patient.getIdElement().getIdPart();
			String link = "/oauth2/authorize?" + authorizeQuery + "&" + PatientPicker.PARAMETER + "=" + id;
			html.append("<li><a class=\"patient\" href=\"").append(HtmlUtils.htmlEscape(link)).append("\">")
					.append(HtmlUtils.htmlEscape(patient.getNameFirstRep().getNameAsSingleString()))
					.append(" (").append(HtmlUtils.htmlEscape(patient.getBirthDateElement().getValueAsString() == null ? "" : patient.getBirthDateElement().getValueAsString()))
					.append(", Patient/").append(HtmlUtils.htmlEscape(id)).append(")</a></li>");
		}
		return html.append("</ul></body></html>").toString();
	}

	private List<IBaseResource> patients(String query) {
		if (query == null || query.isBlank()) {
			return List.of();
		}
		SearchParameterMap search = SearchParameterMap.newSynchronous("name", new StringParam(query.trim()));
		search.setCount(20);
		return daos.getResourceDao(Patient.class).search(search, new SystemRequestDetails()).getResources(0, 20);
	}

	private static String withoutParameter(String query, String name) {
		if (query == null) {
			return "";
		}
		return String.join("&", java.util.Arrays.stream(query.split("&")).filter(p -> !p.startsWith(name + "=")).toList());
	}

	private static String decode(String value) {
		return value == null ? "" : java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
	}
}
