package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the consent boundary through paths other than a read: conditional requests, paging
 * and {@code $meta}. A clinic's doctor may see {@code permitted} (a treatment Consent for the
 * clinic) and not {@code hidden} (no Consent); every attack tries to get at {@code hidden}'s records.
 */
class ConsentBoundaryAttacksTest extends EndToEndTest {

	private Clinic clinic;
	private String permitted;
	private String hidden;
	private String hiddenFamily;
	private String code;
	private String doctor;

	@BeforeEach
	void aClinicWithAPermittedAndAHiddenPatient() {
		clinic = new Clinic(client, baseUrl());
		hiddenFamily = unique("Hidden");
		code = unique("code");
		permitted = clinic.patient(unique("Permitted"));
		hidden = clinic.patient(hiddenFamily);
		clinic.permit(permitted, clinic.organization, PurposeOfUse.TREAT);
		doctor = clinic.doctorToken();
	}

	@Test
	void aConditionalCreateByIdDoesNotHandOutAHiddenPatient() {
		assertThat(getWithToken("/fhir/Patient/" + hidden, doctor).statusCode()).isEqualTo(403);

		String nobody = unique("nobody");
		HttpResponse<String> smuggled = send("POST", "/fhir/Patient", "application/fhir+json", json(new Patient().setActive(true)),
				"Authorization", "Bearer " + doctor, "If-None-Exist", "_id=" + hidden);
		HttpResponse<String> ofNobody = send("POST", "/fhir/Patient", "application/fhir+json", json(new Patient().setActive(true)),
				"Authorization", "Bearer " + doctor, "If-None-Exist", "_id=" + nobody);

		assertThat(smuggled.statusCode()).as(smuggled.body()).isEqualTo(ofNobody.statusCode()).isNotEqualTo(200);
		assertThat(smuggled.body()).doesNotContain(hiddenFamily).doesNotContain("versionId")
				.isEqualTo(ofNobody.body().replace(nobody, hidden));
	}

	@Test
	void aConditionalCreateByIdDoesNotHandOutAnotherPatientsObservationToAPatient() {
		String theirs = clinic.observation(hidden, code);
		String own = clinic.patient(unique("Own"));

		String nothing = unique("nothing");
		HttpResponse<String> smuggled = send("POST", "/fhir/Observation", "application/fhir+json", json(observationOf(own)),
				"Authorization", "Bearer " + clinic.patientToken(own), "If-None-Exist", "_id=" + idPart(theirs));
		HttpResponse<String> ofNothing = send("POST", "/fhir/Observation", "application/fhir+json", json(observationOf(own)),
				"Authorization", "Bearer " + clinic.patientToken(own), "If-None-Exist", "_id=" + nothing);

		assertThat(smuggled.statusCode()).as(smuggled.body()).isEqualTo(ofNothing.statusCode()).isNotEqualTo(200);
		assertThat(smuggled.body()).doesNotContain("Patient/" + hidden).doesNotContain("versionId")
				.isEqualTo(ofNothing.body().replace(nothing, idPart(theirs)));
	}

	@Test
	void aConditionalCreateMatchingAHiddenRecordLooksLikeOneMatchingNothing() {
		String identifier = unique("reading");
		client.create().resource(identified(observationOf(hidden), identifier)).execute();
		String fresh = unique("none");

		HttpResponse<String> matchingHidden = send("POST", "/fhir/Observation", "application/fhir+json",
				json(identified(observationOf(permitted), identifier)),
				"Authorization", "Bearer " + doctor, "If-None-Exist", "identifier=urn:test:reading|" + identifier);
		HttpResponse<String> matchingNothing = send("POST", "/fhir/Observation", "application/fhir+json",
				json(identified(observationOf(permitted), fresh)),
				"Authorization", "Bearer " + doctor, "If-None-Exist", "identifier=urn:test:reading|" + fresh);

		assertThat(matchingNothing.statusCode()).as(matchingNothing.body()).isEqualTo(201);
		assertThat(matchingHidden.statusCode()).as(matchingHidden.body()).isEqualTo(201);
		assertThat(matchingHidden.body()).doesNotContain("Patient/" + hidden);
	}

	@Test
	void aConditionalCreateInATransactionNamesNoHiddenRecord() {
		String identifier = unique("reading");
		String theirsId = idPart(client.create().resource(identified(observationOf(hidden), identifier)).execute().getId().getValue());
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(identified(observationOf(permitted), identifier)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation")
				.setIfNoneExist("identifier=urn:test:reading|" + identifier);

		HttpResponse<String> response = send("POST", "/fhir", "application/fhir+json", json(transaction),
				"Authorization", "Bearer " + doctor, "Prefer", "return=representation");

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle answer = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
		assertThat(answer.getEntryFirstRep().getResponse().getStatus()).startsWith("201");
		assertThat(response.body()).doesNotContain("Observation/" + theirsId + "/").doesNotContain("Patient/" + hidden);
	}

	@Test
	void aConditionalDeleteNeitherConfirmsNorDeletesAHiddenRecord() {
		String theirs = clinic.observation(hidden, code);

		String none = unique("none");
		HttpResponse<String> matchingHidden = send("DELETE", "/fhir/Observation?code=urn:test:code%7C" + code, null, null,
				"Authorization", "Bearer " + doctor);
		HttpResponse<String> matchingNothing = send("DELETE", "/fhir/Observation?code=urn:test:code%7C" + none, null, null,
				"Authorization", "Bearer " + doctor);

		assertThat(matchingHidden.statusCode()).as(matchingHidden.body()).isEqualTo(matchingNothing.statusCode());
		assertThat(matchingHidden.body()).doesNotContain(idPart(theirs))
				.isEqualTo(matchingNothing.body().replace(none, code));
		assertThat(get("/fhir/" + theirs).statusCode()).isEqualTo(200);
	}

	@Test
	void aConditionalUpdateMatchingAHiddenRecordCreatesInsteadOfRevealingIt() {
		String identifier = unique("reading");
		Observation theirs = observationOf(hidden);
		theirs.addIdentifier().setSystem("urn:test:reading").setValue(identifier);
		String theirsId = client.create().resource(theirs).execute().getId().toUnqualifiedVersionless().getValue();
		Observation mine = observationOf(permitted);
		mine.addIdentifier().setSystem("urn:test:reading").setValue(identifier);

		HttpResponse<String> update = send("PUT", "/fhir/Observation?identifier=urn:test:reading%7C" + identifier, "application/fhir+json",
				json(mine), "Authorization", "Bearer " + doctor);

		assertThat(update.statusCode()).as(update.body()).isEqualTo(201);
		Observation stillTheirs = client.read().resource(Observation.class).withId(theirsId).execute();
		assertThat(stillTheirs.getSubject().getReference()).isEqualTo("Patient/" + hidden);
	}

	@Test
	void aReferenceWrittenAsASearchDoesNotConfirmAHiddenPatient() {
		assertAReferenceSearchForAHiddenPatientLooksLikeOneForNobody("/fhir/Observation", observation -> observation);
	}

	@Test
	void aReferenceWrittenAsASearchInATransactionDoesNotConfirmAHiddenPatient() {
		assertAReferenceSearchForAHiddenPatientLooksLikeOneForNobody("/fhir", ConsentBoundaryAttacksTest::transactionOf);
	}

	/** The hidden patient gets an MRN; an Observation naming it by search, posted as {@code wrap} makes it, answers as one naming an MRN nobody has. */
	private void assertAReferenceSearchForAHiddenPatientLooksLikeOneForNobody(String path,
			java.util.function.Function<Observation, org.hl7.fhir.r4.model.Resource> wrap) {
		String identifier = unique("mrn");
		client.update().resource(withMrn(new Patient(), identifier).setId(hidden)).execute();
		String nobody = unique("mrn");

		HttpResponse<String> toHidden = send("POST", path, "application/fhir+json",
				json(wrap.apply(observationOf("?identifier=urn:test:mrn|" + identifier))), "Authorization", "Bearer " + doctor);
		HttpResponse<String> toNobody = send("POST", path, "application/fhir+json",
				json(wrap.apply(observationOf("?identifier=urn:test:mrn|" + nobody))), "Authorization", "Bearer " + doctor);

		assertThat(toNobody.statusCode()).as(toNobody.body()).isBetween(400, 499);
		assertThat(toHidden.statusCode()).as(toHidden.body()).isEqualTo(toNobody.statusCode());
		assertThat(toHidden.body()).doesNotContain(hidden)
				.isEqualTo(toNobody.body().replace(nobody, identifier));
	}

	@Test
	void aReferenceWrittenAsASearchFindsTheVisiblePatientAmongHiddenOnes() {
		String identifier = unique("mrn");
		client.update().resource(withMrn(new Patient(), identifier).setId(hidden)).execute();
		client.update().resource(withMrn(new Patient(), identifier).setId(permitted)).execute();

		HttpResponse<String> created = send("POST", "/fhir/Observation", "application/fhir+json",
				json(observationOf("?identifier=urn:test:mrn|" + identifier)), "Authorization", "Bearer " + doctor,
				"Prefer", "return=representation");

		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		Observation stored = FHIR.newJsonParser().parseResource(Observation.class, created.body());
		assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + permitted);
	}

	@Test
	void aReferenceWrittenAsASearchForADirectoryEntryIsDecidedByTheCallersScopes() {
		String npi = unique("npi");
		String practitioner = client.create().resource(new org.hl7.fhir.r4.model.Practitioner()
				.addIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem("urn:test:npi").setValue(npi)))
				.execute().getId().toUnqualifiedVersionless().getValue();
		String nobody = unique("npi");
		String noDirectory = clinic.userToken(clinic.doctor, "doctor", "user/Observation.cruds");

		HttpResponse<String> toKnown = send("POST", "/fhir/Observation", "application/fhir+json",
				json(performedBy(npi)), "Authorization", "Bearer " + noDirectory);
		HttpResponse<String> toNobody = send("POST", "/fhir/Observation", "application/fhir+json",
				json(performedBy(nobody)), "Authorization", "Bearer " + noDirectory);
		HttpResponse<String> withScope = send("POST", "/fhir/Observation", "application/fhir+json",
				json(performedBy(npi)), "Authorization", "Bearer " + doctor, "Prefer", "return=representation");

		assertThat(toNobody.statusCode()).as(toNobody.body()).isBetween(400, 499);
		assertThat(toKnown.statusCode()).as(toKnown.body()).isEqualTo(toNobody.statusCode());
		assertThat(toKnown.body()).isEqualTo(toNobody.body().replace(nobody, npi));
		assertThat(withScope.statusCode()).as(withScope.body()).isEqualTo(201);
		assertThat(FHIR.newJsonParser().parseResource(Observation.class, withScope.body()).getPerformerFirstRep().getReference())
				.isEqualTo(practitioner);
	}

	/**
	 * A transaction's conditional create of a directory entry: a caller who reads every Practitioner
	 * gets the one that exists; one who reads none cannot learn that it exists, and gets a new one.
	 */
	@Test
	void aConditionalCreateOfADirectoryEntryMatchesOnlyForACallerWhoReadsTheDirectory() {
		String npi = unique("npi");
		String existing = idPart(client.create().resource(new org.hl7.fhir.r4.model.Practitioner()
				.addIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem("urn:test:npi").setValue(npi)))
				.execute().getId().getValue());
		String readsDirectory = clinic.userToken(clinic.doctor, "doctor", "user/Practitioner.crs");
		String writesOnly = clinic.userToken(clinic.doctor, "doctor", "user/Practitioner.c");

		Bundle.BundleEntryComponent matched = conditionalPractitioner(npi, readsDirectory);
		Bundle.BundleEntryComponent unmatched = conditionalPractitioner(npi, writesOnly);

		assertThat(matched.getResponse().getStatus()).startsWith("200");
		assertThat(matched.getResponse().getLocation()).contains("Practitioner/" + existing + "/");
		assertThat(unmatched.getResponse().getStatus()).startsWith("201");
		assertThat(unmatched.getResponse().getLocation()).doesNotContain("Practitioner/" + existing + "/");
	}

	private Bundle.BundleEntryComponent conditionalPractitioner(String npi, String token) {
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(new org.hl7.fhir.r4.model.Practitioner()
						.addIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem("urn:test:npi").setValue(npi)))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Practitioner").setIfNoneExist("identifier=urn:test:npi|" + npi);
		HttpResponse<String> response = send("POST", "/fhir", "application/fhir+json", json(transaction), "Authorization", "Bearer " + token);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body()).getEntryFirstRep();
	}

	private Observation performedBy(String npi) {
		Observation observation = observationOf(permitted);
		observation.addPerformer(new Reference("Practitioner?identifier=urn:test:npi|" + npi));
		return observation;
	}

	@Test
	void theConsentsOfAHiddenPatientAreHiddenAsTheirRecordsAre() {
		String theirs = clinic.deny(hidden, clinic.organization);
		String registrar = clinic.userToken(clinic.nurse, "registrar", "user/Consent.rs");

		assertThat(getWithToken("/fhir/" + theirs, doctor).statusCode()).isEqualTo(403);
		HttpResponse<String> searched = getWithToken("/fhir/Consent?patient=" + hidden, doctor);
		assertThat(bundle(searched).getEntry()).isEmpty();
		assertThat(searched.body()).doesNotContain(idPart(theirs));
		assertThat(bundle(getWithToken("/fhir/Consent?patient=" + permitted, doctor)).getEntry()).as("the permitting one").hasSize(1);
		assertThat(getWithToken("/fhir/" + theirs, registrar).statusCode()).as("the registration desk reads every Consent").isEqualTo(200);
	}

	@Test
	void pagingDoesNotCountHiddenRecords() {
		for (int i = 0; i < 3; i++) {
			clinic.observation(hidden, code);
		}
		clinic.observation(permitted, code);
		clinic.observation(permitted, code);

		Bundle ofHidden = bundle(getWithToken("/fhir/Observation?patient=" + hidden + "&_count=1", doctor));
		Bundle ofCode = bundle(getWithToken("/fhir/Observation?code=urn:test:code%7C" + code + "&_count=2", doctor));

		assertThat(ofHidden.getEntry()).isEmpty();
		assertThat(ofHidden.getLink(Bundle.LINK_NEXT)).isNull();
		assertThat(ofCode.getEntry()).hasSize(2);
		assertThat(ofCode.getLink(Bundle.LINK_NEXT)).isNull();
	}

	@Test
	void metaOfAHiddenRecordIsRefusedAsItsReadIs() {
		String theirs = clinic.observation(hidden, code);
		String mine = clinic.observation(permitted, code);

		HttpResponse<String> hiddenMeta = getWithToken("/fhir/" + theirs + "/$meta", doctor);
		HttpResponse<String> everyTag = getWithToken("/fhir/Observation/$meta", doctor);

		assertThat(hiddenMeta.statusCode()).as(hiddenMeta.body()).isEqualTo(403);
		assertThat(hiddenMeta.body()).doesNotContain("versionId").doesNotContain("lastUpdated");
		assertThat(everyTag.statusCode()).as(everyTag.body()).isEqualTo(403);
		assertThat(getWithToken("/fhir/" + mine + "/$meta", doctor).statusCode()).isEqualTo(200);
	}

	private Observation observationOf(String patient) {
		Observation observation = new Observation();
		observation.setStatus(Observation.ObservationStatus.FINAL);
		observation.getCode().addCoding(new Coding("urn:test:code", code, null));
		// a patient given as "?criteria" is referred to by a search, as HAPI resolves inline match URLs
		observation.setSubject(new Reference(patient.startsWith("?") ? "Patient" + patient : "Patient/" + patient));
		return observation;
	}

	private static Observation identified(Observation observation, String identifier) {
		observation.addIdentifier().setSystem("urn:test:reading").setValue(identifier);
		return observation;
	}

	private static Patient withMrn(Patient patient, String mrn) {
		patient.addIdentifier().setSystem("urn:test:mrn").setValue(mrn);
		return patient;
	}

	private static Bundle transactionOf(org.hl7.fhir.r4.model.Resource resource) {
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
		return transaction;
	}

	private static String json(org.hl7.fhir.r4.model.Resource resource) {
		return FHIR.newJsonParser().encodeResourceToString(resource);
	}

	private static String idPart(String reference) {
		return new org.hl7.fhir.r4.model.IdType(reference).getIdPart();
	}

	private static Bundle bundle(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
	}
}
