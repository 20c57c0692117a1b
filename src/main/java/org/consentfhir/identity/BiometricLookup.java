package org.consentfhir.identity;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import org.consentfhir.interceptors.identity.PatientsByIdentifier;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Patient;

/** The patients that carry one identifier, a biometric one or any other (as the server: callers see only what they may). */
final class BiometricLookup implements PatientsByIdentifier {

	private static final int MAX_TEMPLATE_BYTES = 64 * 1024;

	private final DaoRegistry daos;

	BiometricLookup(DaoRegistry daos) {
		this.daos = daos;
	}

	List<String> patientsWith(String hash) {
		return patientsWith(BiometricIdentifiers.SYSTEM, hash);
	}

	@Override
	public List<String> patientsWith(String system, String value) {
		SearchParameterMap search = SearchParameterMap.newSynchronous("identifier", new TokenParam(system, value));
		search.setLoadSynchronousUpTo(10);
		return daos.getResourceDao(Patient.class).search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(p -> p.getIdElement().getIdPart())
				.toList();
	}

	static byte[] bytesOf(Base64BinaryType template) {
		byte[] bytes = template == null ? null : template.getValue();
		if (bytes == null || bytes.length == 0) {
			throw new InvalidRequestException("template (base64Binary) is required and must not be empty");
		}
		if (bytes.length > MAX_TEMPLATE_BYTES) {
			throw new InvalidRequestException("template is larger than " + MAX_TEMPLATE_BYTES + " bytes");
		}
		return bytes;
	}
}
