package org.consentfhir.auth.server;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import org.consentfhir.interceptors.audit.AccessAuditEvents;
import org.consentfhir.interceptors.auth.AccessToken;
import org.consentfhir.interceptors.auth.Role;
import org.consentfhir.interceptors.consent.CallerVisibility;
import org.consentfhir.interceptors.consent.ConsentCallers;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
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
 * signed-in user (the sign-in chain guards {@code /launch/**}). The search is the user's own: it
 * shows only the patients the user could read with the role's scopes and patient consent
 * ({@link CallerVisibility}, purpose the role's default), none to a patient user, and each search
 * is an AuditEvent naming the patients it showed.
 */
@RestController
@ConditionalOnProperty(prefix = "fhir.auth.builtin-server", name = "enabled", havingValue = "true", matchIfMissing = true)
class PatientPickerController {

	/** Stored patients looked at per search to find the ones this user may see. */
	private static final int LOOKED_AT = 200;
	private static final int SHOWN = 20;

	private final DaoRegistry daos;
	private final ConsentCallers callers;
	private final CallerVisibility visibility;
	private final AccessAuditEvents audits;
	private final IBalpAuditEventSink sink;

	PatientPickerController(DaoRegistry daos, ConsentCallers callers, CallerVisibility visibility, AccessAuditEvents audits,
			IBalpAuditEventSink sink) {
		this.daos = daos;
		this.callers = callers;
		this.visibility = visibility;
		this.audits = audits;
		this.sink = sink;
	}

	@GetMapping(path = PatientPicker.PAGE, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String page(HttpServletRequest request, @RequestParam(name = "q", required = false) String query,
			@AuthenticationPrincipal UserAccount user) {
		String authorizeQuery = withoutParameter(request.getQueryString(), "q");
		StringBuilder html = new StringBuilder("<!doctype html><html><head><title>Choose a patient</title></head><body>")
				.append("<h1>Choose the patient for this app</h1>")
				.append("<form method=\"get\" action=\"").append(PatientPicker.PAGE).append("\">");
		UriComponentsBuilder.fromUriString("?" + authorizeQuery).build().getQueryParams().forEach((name, values) -> values.forEach(value ->
				html.append("<input type=\"hidden\" name=\"").append(HtmlUtils.htmlEscape(name)).append("\" value=\"")
						.append(HtmlUtils.htmlEscape(decode(value))).append("\">")));
		html.append("<input name=\"q\" placeholder=\"family or given name\" value=\"")
				.append(HtmlUtils.htmlEscape(query == null ? "" : query)).append("\"><button>Search</button></form><ul>");
		for (IBaseResource found : patients(query, user)) {
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

	private List<IBaseResource> patients(String query, UserAccount user) {
		if (query == null || query.isBlank() || user == null || user.role() == Role.PATIENT) {
			return List.of();
		}
		SearchParameterMap search = SearchParameterMap.newSynchronous("name", new StringParam(query.trim()));
		search.setLoadSynchronousUpTo(LOOKED_AT);
		List<IBaseResource> found = daos.getResourceDao(Patient.class).search(search, new SystemRequestDetails()).getResources(0, LOOKED_AT);
		RequestDetails asTheUser = requestOf(user);
		List<IBaseResource> shown = found.stream().filter(patient -> visibility.canSee(asTheUser, patient)).limit(SHOWN).toList();
		sink.recordAuditEvent(audits.patientPickerSearch(asTheUser, callers.of(asTheUser),
				shown.stream().map(patient -> patient.getIdElement().getIdPart()).toList()));
		return shown;
	}

	/** A request as the signed-in user would make it with the most their role may hold, for the consent decision and its audit. */
	private static RequestDetails requestOf(UserAccount user) {
		SystemRequestDetails request = new SystemRequestDetails();
		request.getUserData().put(AccessToken.USER_DATA_KEY, new AccessToken(null, user.username(), "patient-picker",
				user.role().ceiling(), List.of(), null, user.fhirUser(), user.role(), null, null));
		return request;
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
