package org.consentfhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.consentfhir.testsupport.EndToEndTest;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Patient search the way a patient-management desk uses it. */
class PatientSearchTest extends EndToEndTest {

	private String family;
	private String mrn;
	private String asha;
	private String ravi;
	private String meera;

	@BeforeEach
	void registerThreePatients() {
		family = unique("Iyer");
		mrn = unique("MRN");
		Patient withTelecom = patient("Asha", AdministrativeGender.FEMALE, "1950-05-01", "Chennai", "Tamil Nadu");
		withTelecom.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+91-98400-00001");
		withTelecom.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(family + "@example.org");
		asha = create(withTelecom);
		ravi = create(patient("Ravi", AdministrativeGender.MALE, "1985-07-15", "Pune", "Maharashtra"));
		Patient withMrn = patient("Meera", AdministrativeGender.FEMALE, "2015-11-30", "Chennai", "Tamil Nadu");
		withMrn.addIdentifier().setSystem("https://hospital.example.org/mrn").setValue(mrn);
		Narrative narrative = new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED);
		narrative.setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Meera, allergic to peanuts</div>");
		withMrn.setText(narrative);
		meera = create(withMrn);
	}

	@Test
	void findsByNameFamilyAndGiven() {
		assertThat(ids("Patient?family=" + family)).containsExactlyInAnyOrder(asha, ravi, meera);
		assertThat(ids("Patient?family=" + family + "&given=asha")).containsExactly(asha);
		assertThat(ids("Patient?name=" + family + "&name=Ravi")).containsExactly(ravi);
		assertThat(ids("Patient?name:contains=" + family.substring(2) + "&given=Meera")).containsExactly(meera);
	}

	@Test
	void findsByBirthDateRangesAndGender() {
		assertThat(ids("Patient?family=" + family + "&birthdate=ge1980-01-01&birthdate=le2000-12-31"))
				.containsExactly(ravi);
		assertThat(ids("Patient?family=" + family + "&birthdate=lt1960-01-01")).containsExactly(asha);
		assertThat(ids("Patient?family=" + family + "&gender=female")).containsExactlyInAnyOrder(asha, meera);
	}

	@Test
	void findsByIdentifierTelecomAndAddress() {
		assertThat(ids("Patient?identifier=https://hospital.example.org/mrn|" + mrn)).containsExactly(meera);
		assertThat(ids("Patient?identifier=" + mrn)).containsExactly(meera);
		assertThat(ids("Patient?family=" + family + "&phone=%2B91-98400-00001")).containsExactly(asha);
		assertThat(ids("Patient?email=" + family + "@example.org")).containsExactly(asha);
		assertThat(ids("Patient?family=" + family + "&telecom=phone|%2B91-98400-00001")).containsExactly(asha);
		assertThat(ids("Patient?family=" + family + "&address-city=Chennai")).containsExactlyInAnyOrder(asha, meera);
		assertThat(ids("Patient?family=" + family + "&address-state=Maharashtra")).containsExactly(ravi);
	}

	@Test
	void findsByFullText() {
		assertThat(ids("Patient?_content=" + family + "&given=Ravi")).containsExactly(ravi);
		assertThat(ids("Patient?_text=peanuts&family=" + family)).containsExactly(meera);
	}

	private Patient patient(String given, AdministrativeGender gender, String birthDate, String city, String state) {
		Patient patient = new Patient();
		patient.addName().setFamily(family).addGiven(given);
		patient.setGender(gender);
		patient.setBirthDateElement(new DateType(birthDate));
		patient.addAddress().setCity(city).setState(state).setCountry("IN");
		return patient;
	}

	private String create(Patient patient) {
		return client.create().resource(patient).execute().getId().getIdPart();
	}
}
