package org.consentfhir.interceptors.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.auth.CompartmentSearchParameterModifications;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.storage.interceptor.balp.BalpProfileEnum;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import ca.uhn.fhir.util.FhirTerser;
import ca.uhn.fhir.util.UrlUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.consentfhir.interceptors.consent.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The IHE BALP events of the FHIR endpoint's interactions, built to the same shape as HAPI's BALP
 * capture builds them, with the same profiles, codes, agents and entities:
 * <ul>
 *   <li>a read or vread: PatientRead, one per patient whose compartment holds the record, or Read;</li>
 *   <li>a search or a page of one: PatientQuery, one per patient whose records it showed, or Query,
 *       with the request's URL and query string;</li>
 *   <li>a create, update or delete: PatientCreate/Update/Delete naming every such patient, or the
 *       Basic form.</li>
 * </ul>
 *
 * <p>Why not HAPI's own: it gives each event its narrative by parsing {@code <div>Audit Event</div>},
 * and the XHTML parser fills its table of some 2,000 character entities anew for every parse; that
 * was 157 of the 186 samples of BALP's write capture in the benchmark's ingest and 141 of its 211 in
 * the read mix (BENCHMARKS.md). The narrative here is the same div, built directly.
 */
final class BalpAuditEvents {

	private static final String IRCP_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
	private static final String REQUEST_ID_TYPE_SYSTEM = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
	private static final String QUERY_ROLE_DISPLAY = "Query"; // BALP keeps its constant package-private

	private final IBalpAuditContextServices context;

	private final PatientCompartment compartment;

	BalpAuditEvents(IBalpAuditContextServices context, PatientCompartment compartment) {
		this.context = context;
		this.compartment = compartment;
	}

	/** The events of a read of one resource. */
	List<AuditEvent> read(IBaseResource resource, ServletRequestDetails request) {
		String data = context.massageResourceIdForStorage(request, resource, resource.getIdElement());
		Set<String> owners = shownOwners(List.of(resource), request);
		List<AuditEvent> events = new ArrayList<>();
		if (owners.isEmpty()) {
			AuditEvent event = common(request, BalpProfileEnum.BASIC_READ);
			addData(event, data);
			events.add(event);
		}
		for (String owner : owners) {
			AuditEvent event = common(request, BalpProfileEnum.PATIENT_READ);
			addData(event, data);
			addPatient(event, owner);
			events.add(event);
		}
		return events;
	}

	/** The events of a search or a page of one that showed these resources. */
	List<AuditEvent> query(Collection<IBaseResource> shown, ServletRequestDetails request) {
		Set<String> owners = shownOwners(shown, request);
		if (owners.isEmpty()) {
			return List.of(query(request, BalpProfileEnum.BASIC_QUERY));
		}
		List<AuditEvent> events = new ArrayList<>();
		for (String owner : owners) {
			AuditEvent event = query(request, BalpProfileEnum.PATIENT_QUERY);
			addPatient(event, owner);
			events.add(event);
		}
		return events;
	}

	/** The event of one written resource: the patient profile when it lies in patients' compartments, the basic one otherwise. */
	AuditEvent write(IBaseResource resource, ServletRequestDetails request, BalpProfileEnum basic, BalpProfileEnum patient) {
		Set<String> owners = compartmentOwners(List.of(resource), request);
		AuditEvent event = common(request, owners.isEmpty() ? basic : patient);
		addData(event, context.massageResourceIdForStorage(request, resource, resource.getIdElement()));
		owners.forEach(owner -> addPatient(event, owner));
		return event;
	}

	private AuditEvent query(ServletRequestDetails request, BalpProfileEnum profile) {
		AuditEvent event = common(request, profile);
		AuditEventEntityComponent query = addEntity(event, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT,
				BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY, BalpConstants.CS_OBJECT_ROLE_24_QUERY, QUERY_ROLE_DISPLAY);
		query.setDescription(request.getRequestType().name() + " " + request.getCompleteUrl());
		StringBuilder url = new StringBuilder(request.getFhirServerBase()).append('/').append(request.getRequestPath());
		char separator = '?';
		for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
			for (String value : parameter.getValue()) {
				url.append(separator).append(UrlUtil.escapeUrlParam(parameter.getKey())).append('=').append(UrlUtil.escapeUrlParam(value));
				separator = '&';
			}
		}
		query.getQueryElement().setValue(url.toString().getBytes(StandardCharsets.UTF_8));
		return event;
	}

	private static void addData(AuditEvent event, String reference) {
		addEntity(event, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY,
				BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE, BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE_DISPLAY)
				.getWhat().setReference(reference);
	}

	private static void addPatient(AuditEvent event, String reference) {
		addEntity(event, BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON, BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON_DISPLAY,
				BalpConstants.CS_OBJECT_ROLE_1_PATIENT, BalpConstants.CS_OBJECT_ROLE_1_PATIENT_DISPLAY)
				.getWhat().setReference(reference);
	}

	/** An entity of BALP's entity type and object role code systems. */
	private static AuditEventEntityComponent addEntity(AuditEvent event, String type, String typeDisplay, String role, String roleDisplay) {
		AuditEventEntityComponent entity = event.addEntity();
		entity.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE).setCode(type).setDisplay(typeDisplay);
		entity.getRole().setSystem(BalpConstants.CS_OBJECT_ROLE).setCode(role).setDisplay(roleDisplay);
		return entity;
	}

	/**
	 * The patients of shown resources: a Patient itself, and the compartment owners of the rest as
	 * consent found them for the same request ({@link PatientCompartment#ownersOfShown}).
	 */
	private Set<String> shownOwners(Collection<IBaseResource> shown, ServletRequestDetails request) {
		Set<String> owners = new TreeSet<>();
		for (IBaseResource resource : shown) {
			if ("Patient".equals(request.getFhirContext().getResourceType(resource))) {
				owners.add(context.massageResourceIdForStorage(request, resource, resource.getIdElement())); // with its version, as BALP
			} else {
				compartment.ownersOfShown(resource, request).forEach(patient ->
						owners.add(context.massageResourceIdForStorage(request, resource, new IdType("Patient", patient))));
			}
		}
		return owners;
	}

	/** The patients of a written resource; a transaction's placeholders named by the ids they were stored under. */
	private Set<String> compartmentOwners(Collection<IBaseResource> resources, ServletRequestDetails request) {
		FhirContext fhir = request.getFhirContext();
		FhirTerser terser = fhir.newTerser();
		Set<String> owners = new TreeSet<>();
		for (IBaseResource resource : resources) {
			String type = fhir.getResourceType(resource);
			if ("Patient".equals(type)) {
				owners.add(context.massageResourceIdForStorage(request, resource, resource.getIdElement()));
			} else if (!fhir.getResourceDefinition(resource).getSearchParamsForCompartmentName("Patient").isEmpty()) {
				terser.getCompartmentOwnersForResource("Patient", resource,
								CompartmentSearchParameterModifications.fromAdditionalAndOmittedSPNames(type, Set.of(), Set.of()))
						.forEach(owner -> owners.add(context.massageResourceIdForStorage(request, resource, owner)));
			}
		}
		return owners;
	}

	private AuditEvent common(ServletRequestDetails request, BalpProfileEnum profile) {
		RestOperationTypeEnum operation = request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE
				? RestOperationTypeEnum.SEARCH_TYPE // a page continues its search, and is recorded as one
				: request.getRestOperationType();
		AuditEvent event = new AuditEvent();
		event.getMeta().addProfile(profile.getProfileUrl());
		XhtmlNode div = new XhtmlNode(NodeType.Element, "div");
		div.addText("Audit Event");
		event.getText().setDiv(div).setStatus(Narrative.NarrativeStatus.GENERATED);
		event.getType().setSystem(BalpConstants.CS_AUDIT_EVENT_TYPE).setCode("rest").setDisplay("Restful Operation");
		event.addSubtype().setSystem(BalpConstants.CS_RESTFUL_INTERACTION).setCode(operation.getCode()).setDisplay(operation.getCode());
		event.setAction(profile.getAction());
		event.setOutcome(AuditEvent.AuditEventOutcome._0);
		event.setRecorded(new Date());
		event.getSource().getObserver().setDisplay(request.getFhirServerBase());

		AuditEventAgentComponent client = event.addAgent();
		client.setWho(context.getAgentClientWho(request));
		client.getType().addCoding(profile.getAgentClientTypeCoding());
		client.getWho().setDisplay(context.getNetworkAddress(request));
		client.getNetwork().setAddress(context.getNetworkAddress(request)).setType(context.getNetworkAddressType(request));
		client.setRequestor(false);

		AuditEventAgentComponent server = event.addAgent();
		server.getType().addCoding(profile.getAgentServerTypeCoding());
		server.getWho().setDisplay(request.getFhirServerBase());
		server.getNetwork().setAddress(request.getFhirServerBase());
		server.setRequestor(false);

		AuditEventAgentComponent user = event.addAgent();
		user.getType().addCoding().setSystem(IRCP_SYSTEM).setCode("IRCP").setDisplay("information recipient");
		user.setWho(context.getAgentUserWho(request));
		user.setRequestor(true);

		AuditEventEntityComponent transaction = event.addEntity();
		transaction.getType().setSystem(REQUEST_ID_TYPE_SYSTEM).setCode("XrequestId");
		transaction.getWhat().getIdentifier().setValue(request.getRequestId());
		return event;
	}
}
