package org.consentfhir.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** The FHIR REST interactions a client of a JPA server relies on, over real HTTP. */
class FhirRestApiTest extends EndToEndTest {

	@Test
	void createsReadsUpdatesVreadsAndDeletesAPatient() {
		Patient patient = new Patient();
		patient.addName().setFamily(unique("Crud"));
		IdType id = (IdType) client.create().resource(patient).execute().getId();
		assertThat(id.getVersionIdPart()).isEqualTo("1");

		Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
		read.setGender(Enumerations.AdministrativeGender.FEMALE);
		MethodOutcome updated = client.update().resource(read).execute();
		assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

		Patient first = client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();
		assertThat(first.hasGender()).isFalse();

		client.delete().resourceById(id.toUnqualifiedVersionless()).execute();
		assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
				.isInstanceOf(ResourceGoneException.class);
	}

	@Test
	void answersEtagsAndRefusesAnUpdateWithAStaleIfMatch() {
		String id = createPatient(unique("Etag"));
		HttpResponse<String> read = get("/fhir/Patient/" + id);
		assertThat(read.headers().firstValue("ETag")).contains("W/\"1\"");

		String body = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"gender\":\"male\"}";
		HttpResponse<String> fresh = send("PUT", "/fhir/Patient/" + id, "application/fhir+json",
				java.net.http.HttpRequest.BodyPublishers.ofString(body), new String[] {"If-Match", "W/\"1\""});
		assertThat(fresh.statusCode()).isEqualTo(200);

		HttpResponse<String> stale = send("PUT", "/fhir/Patient/" + id, "application/fhir+json",
				java.net.http.HttpRequest.BodyPublishers.ofString(body), new String[] {"If-Match", "W/\"1\""});
		assertThat(stale.statusCode()).isEqualTo(412);
		assertThat(stale.body()).contains("OperationOutcome");
	}

	@Test
	void patchesWithJsonPatchAndFhirPathPatch() {
		String id = createPatient(unique("Patch"));
		client.patch()
				.withBody("[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"female\"}]")
				.withId("Patient/" + id)
				.execute();
		assertThat(client.read().resource(Patient.class).withId(id).execute().getGender())
				.isEqualTo(Enumerations.AdministrativeGender.FEMALE);

		Parameters fhirPathPatch = new Parameters();
		Parameters.ParametersParameterComponent operation = fhirPathPatch.addParameter().setName("operation");
		operation.addPart().setName("type").setValue(new org.hl7.fhir.r4.model.CodeType("add"));
		operation.addPart().setName("path").setValue(new StringType("Patient"));
		operation.addPart().setName("name").setValue(new StringType("birthDate"));
		operation.addPart().setName("value").setValue(new org.hl7.fhir.r4.model.DateType("1971-03-04"));
		client.patch().withFhirPatch(fhirPathPatch).withId("Patient/" + id).execute();

		Patient patched = client.read().resource(Patient.class).withId(id).execute();
		assertThat(patched.getBirthDateElement().getValueAsString()).isEqualTo("1971-03-04");
		assertThat(patched.getMeta().getVersionId()).isEqualTo("3");
	}

	@Test
	void keepsTheHistoryOfEveryVersion() {
		String id = createPatient(unique("History"));
		Patient patient = client.read().resource(Patient.class).withId(id).execute();
		patient.setActive(true);
		client.update().resource(patient).execute();

		Bundle history = client.history().onInstance("Patient/" + id).returnBundle(Bundle.class).execute();
		assertThat(history.getEntry()).hasSize(2);
		assertThat(client.history().onType(Patient.class).returnBundle(Bundle.class).execute().getEntry())
				.isNotEmpty();
	}

	@Test
	void conditionalCreateUpdateAndDeleteMatchOnIdentifier() {
		String mrn = unique("mrn");
		Patient patient = new Patient();
		patient.addIdentifier().setSystem("urn:test:mrn").setValue(mrn);
		String match = "identifier=urn:test:mrn|" + mrn;

		MethodOutcome first = client.create().resource(patient).conditionalByUrl("Patient?" + match).execute();
		MethodOutcome second = client.create().resource(patient).conditionalByUrl("Patient?" + match).execute();
		assertThat(first.getCreated()).isTrue();
		assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
		assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());

		patient.setActive(true);
		MethodOutcome updated = client.update().resource(patient).conditionalByUrl("Patient?" + match).execute();
		assertThat(updated.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
		assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

		client.delete().resourceConditionalByUrl("Patient?" + match).execute();
		Bundle after = client.search().byUrl("Patient?" + match).returnBundle(Bundle.class).execute();
		assertThat(after.getEntry()).isEmpty();
	}

	@Test
	void searchesWithChainsIncludesSortPagingAndLastUpdated() {
		String family = unique("Chain");
		Date before = new Date(System.currentTimeMillis() - 1000);
		String patientId = createPatient(family);
		for (int i = 0; i < 5; i++) {
			createObservation(patientId, "8867-4", 60 + i, "2024-01-0" + (i + 1));
		}

		Bundle chained = client.search()
				.byUrl("Observation?subject:Patient.family=" + family + "&_sort=-date&_count=2")
				.returnBundle(Bundle.class)
				.execute();
		assertThat(chained.getEntry()).hasSize(2);
		Observation newest = (Observation) chained.getEntryFirstRep().getResource();
		assertThat(newest.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2024-01-05");
		assertThat(chained.getLink(Bundle.LINK_NEXT)).isNotNull();

		Bundle page2 = client.loadPage().next(chained).execute();
		assertThat(page2.getEntry()).hasSize(2);
		assertThat(((Observation) page2.getEntryFirstRep().getResource())
						.getEffectiveDateTimeType()
						.getValueAsString())
				.isEqualTo("2024-01-03");

		Bundle withPatient = client.search()
				.byUrl("Observation?subject=Patient/" + patientId + "&_include=Observation:subject")
				.returnBundle(Bundle.class)
				.execute();
		assertThat(resourceTypes(withPatient)).contains("Observation", "Patient");

		Bundle withObservations = client.search()
				.byUrl("Patient?_id=" + patientId + "&_revinclude=Observation:subject")
				.returnBundle(Bundle.class)
				.execute();
		assertThat(resourceTypes(withObservations)).contains("Patient", "Observation");
		assertThat(withObservations.getEntry()).hasSize(6);

		String since = new DateTimeType(before).getValueAsString();
		Bundle recent = client.search()
				.byUrl("Patient?family=" + family + "&_lastUpdated=ge" + since.replace("+", "%2B"))
				.returnBundle(Bundle.class)
				.execute();
		assertThat(recent.getEntry()).hasSize(1);
		Bundle future = client.search()
				.byUrl("Patient?family=" + family + "&_lastUpdated=gt2999-01-01")
				.returnBundle(Bundle.class)
				.execute();
		assertThat(future.getEntry()).isEmpty();
	}

	@Test
	void transactionResolvesPlaceholderReferencesAndBatchReportsEachEntry() {
		String family = unique("Tx");
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Patient patient = new Patient();
		patient.addName().setFamily(family);
		transaction.addEntry().setFullUrl("urn:uuid:1b0c3a5e-7d4c-4f3c-9f0e-2f1d3c4b5a60").setResource(patient)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		Observation observation = vitalSign("8867-4", 72, "2024-02-01");
		observation.setSubject(new Reference("urn:uuid:1b0c3a5e-7d4c-4f3c-9f0e-2f1d3c4b5a60"));
		transaction.addEntry().setResource(observation).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		Bundle response = client.transaction().withBundle(transaction).execute();
		assertThat(response.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
		String patientId = new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
		Bundle observations = client.search()
				.byUrl("Observation?subject=Patient/" + patientId)
				.returnBundle(Bundle.class)
				.execute();
		assertThat(observations.getEntry()).hasSize(1);

		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + patientId);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/does-not-exist-" + family);
		Bundle batchResponse = client.transaction().withBundle(batch).execute();
		assertThat(batchResponse.getEntry().get(0).getResponse().getStatus()).startsWith("200");
		assertThat(batchResponse.getEntry().get(1).getResponse().getStatus()).startsWith("404");
	}

	@Test
	void everythingReturnsThePatientsCompartment() {
		String patientId = createPatient(unique("Everything"));
		createObservation(patientId, "8310-5", 37, "2024-03-01");
		Parameters result = client.operation()
				.onInstance("Patient/" + patientId)
				.named("$everything")
				.withNoParameters(Parameters.class)
				.execute();
		Bundle everything = (Bundle) result.getParameterFirstRep().getResource();
		assertThat(resourceTypes(everything)).contains("Patient", "Observation");
	}

	@Test
	void validateAndMetaOperationsWork() {
		Patient invalid = new Patient();
		invalid.getMeta().addProfile("https://consentfhir.org/fhir/StructureDefinition/india-patient");
		HttpResponse<String> validate = send("POST", "/fhir/Patient/$validate", "application/fhir+json",
				FHIR.newJsonParser().encodeResourceToString(invalid));
		assertThat(validate.body()).contains("OperationOutcome").contains("Patient.gender").contains("Patient.name");

		String id = createPatient(unique("Meta"));
		Meta tag = new Meta();
		tag.addTag(new Coding("urn:test:tags", "reviewed", "Reviewed"));
		client.meta().add().onResource(new IdType("Patient", id)).meta(tag).execute();
		Meta meta = client.meta().get(Meta.class).fromResource(new IdType("Patient", id)).execute();
		assertThat(meta.getTag()).extracting(Coding::getCode).contains("reviewed");
	}

	@Test
	void servesTheCapabilityStatementAsJsonAndXml() {
		HttpResponse<String> json = get("/fhir/metadata", "Accept", "application/fhir+json");
		assertThat(json.statusCode()).isEqualTo(200);
		assertThat(json.body()).contains("\"resourceType\":\"CapabilityStatement\"").contains("\"fhirVersion\":\"4.0.1\"");
		HttpResponse<String> xml = get("/fhir/metadata?_format=xml");
		assertThat(xml.body()).startsWith("<CapabilityStatement");

		String id = createPatient(unique("Xml"));
		assertThat(get("/fhir/Patient/" + id, "Accept", "application/fhir+xml").body()).startsWith("<Patient");
	}

	@Test
	void storesTheCoreResourceTypesNatively() {
		String patientId = createPatient(unique("Core"));
		Reference subject = new Reference("Patient/" + patientId);
		List<org.hl7.fhir.r4.model.Resource> resources = List.of(
				vitalSign("8867-4", 80, "2024-04-01").setSubject(subject),
				new org.hl7.fhir.r4.model.Consent()
						.setStatus(org.hl7.fhir.r4.model.Consent.ConsentState.ACTIVE)
						.setScope(new CodeableConcept(new Coding(
								"http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)))
						.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", null)))
						.setPatient(subject),
				new org.hl7.fhir.r4.model.AllergyIntolerance().setPatient(subject),
				new org.hl7.fhir.r4.model.Condition().setSubject(subject),
				new org.hl7.fhir.r4.model.Flag()
						.setStatus(org.hl7.fhir.r4.model.Flag.FlagStatus.ACTIVE)
						.setCode(new CodeableConcept().setText("Critical value"))
						.setSubject(subject),
				new org.hl7.fhir.r4.model.DetectedIssue()
						.setStatus(org.hl7.fhir.r4.model.DetectedIssue.DetectedIssueStatus.FINAL)
						.setPatient(subject),
				new org.hl7.fhir.r4.model.AuditEvent()
						.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"))
						.setRecorded(new Date())
						.setSource(new org.hl7.fhir.r4.model.AuditEvent.AuditEventSourceComponent()
								.setObserver(new Reference().setDisplay("server"))),
				new org.hl7.fhir.r4.model.Device().setPatient(subject),
				new org.hl7.fhir.r4.model.Practitioner().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Rao")),
				new org.hl7.fhir.r4.model.PractitionerRole().setActive(true),
				new Organization().setName("Clinic"),
				new org.hl7.fhir.r4.model.Encounter()
						.setStatus(org.hl7.fhir.r4.model.Encounter.EncounterStatus.FINISHED)
						.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null))
						.setSubject(subject),
				new org.hl7.fhir.r4.model.MedicationRequest()
						.setStatus(org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus.ACTIVE)
						.setIntent(org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent.ORDER)
						.setMedication(new CodeableConcept().setText("Paracetamol"))
						.setSubject(subject),
				new org.hl7.fhir.r4.model.Provenance()
						.addTarget(subject)
						.setRecorded(new Date())
						.addAgent(new org.hl7.fhir.r4.model.Provenance.ProvenanceAgentComponent()
								.setWho(new Reference().setDisplay("device gateway"))),
				new org.hl7.fhir.r4.model.Composition()
						.setStatus(org.hl7.fhir.r4.model.Composition.CompositionStatus.FINAL)
						.setType(new CodeableConcept().setText("Note"))
						.setDate(new Date())
						.setTitle("Note")
						.addAuthor(new Reference().setDisplay("Dr Rao"))
						.setSubject(subject),
				new org.hl7.fhir.r4.model.DocumentReference()
						.setStatus(Enumerations.DocumentReferenceStatus.CURRENT)
						.setSubject(subject)
						.addContent(new org.hl7.fhir.r4.model.DocumentReference.DocumentReferenceContentComponent()
								.setAttachment(new org.hl7.fhir.r4.model.Attachment().setContentType("text/plain"))));

		// an AuditEvent is filed only by an audit source (AuditTrailAttacksTest); this loader is one
		var loader = clientWithToken(issuer().token(baseUrl(), "system/*.cruds audit.source"));
		for (org.hl7.fhir.r4.model.Resource resource : resources) {
			MethodOutcome created = loader.create().resource(resource).execute();
			assertThat(created.getCreated()).as(resource.fhirType()).isTrue();
			org.hl7.fhir.r4.model.Resource read = (org.hl7.fhir.r4.model.Resource)
					client.read().resource(resource.fhirType()).withId(created.getId().getIdPart()).execute();
			assertThat(read.fhirType()).isEqualTo(resource.fhirType());
		}
		Bundle compartment = client.search()
				.byUrl("Observation?patient=" + patientId)
				.returnBundle(Bundle.class)
				.execute();
		assertThat(compartment.getEntry()).hasSize(1);
	}

	private String createPatient(String family) {
		Patient patient = new Patient();
		patient.addName().setFamily(family);
		return client.create().resource(patient).execute().getId().getIdPart();
	}

	private void createObservation(String patientId, String loinc, double value, String date) {
		Observation observation = vitalSign(loinc, value, date);
		observation.setSubject(new Reference("Patient/" + patientId));
		client.create().resource(observation).execute();
	}

	@Test
	void keepsAResourcesContainedResourcesAndTheirLocalReferences() {
		String patient = createPatient(unique("Contained"));
		String body = """
				{"resourceType":"MedicationRequest","status":"active","intent":"order",
				 "contained":[{"resourceType":"Medication","id":"med","code":{"text":"Metformin 500 mg tablet"}}],
				 "medicationReference":{"reference":"#med"},"subject":{"reference":"Patient/%s"}}""".formatted(patient);
		HttpResponse<String> created = send("POST", "/fhir/MedicationRequest", "application/fhir+json", body);
		assertThat(created.statusCode()).isEqualTo(201);
		String id = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/MedicationRequest/([^/]+)/.*", "$1");

		for (String json : List.of(get("/fhir/MedicationRequest/" + id).body(),
				get("/fhir/MedicationRequest?subject=Patient/" + patient).body())) {
			assertThat(json).contains("\"contained\":[{\"resourceType\":\"Medication\",\"id\":\"med\"")
					.contains("\"medicationReference\":{\"reference\":\"#med\"}")
					.contains("Metformin 500 mg tablet");
		}
	}

	static Observation vitalSign(String loinc, double value, String date) {
		Observation observation = new Observation();
		observation.setStatus(Observation.ObservationStatus.FINAL);
		observation.addCategory(new CodeableConcept(new Coding(
				"http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
		observation.setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, null)));
		observation.setEffective(new DateTimeType(date));
		String unit = switch (loinc) {
			case "8310-5" -> "Cel";
			case "8867-4", "9279-1" -> "/min";
			default -> throw new IllegalArgumentException("no unit known for " + loinc);
		};
		observation.setValue(new Quantity().setValue(value).setSystem("http://unitsofmeasure.org").setCode(unit));
		return observation;
	}

	private static List<String> resourceTypes(Bundle bundle) {
		return bundle.getEntry().stream().map(e -> e.getResource().fhirType()).toList();
	}
}
