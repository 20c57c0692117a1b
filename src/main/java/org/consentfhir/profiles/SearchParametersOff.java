package org.consentfhir.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.springframework.core.io.ClassPathResource;

/**
 * The built-in search parameters this server does not index ({@code fhir-profiles/search-parameters-off.tsv}):
 * each becomes a SearchParameter of the same base and code with status {@code retired}, which HAPI's
 * search parameter registry puts in place of the built-in, so no index row is written for it and a
 * search by it is refused. Fewer index rows per stored resource is the cheapest write there is.
 */
final class SearchParametersOff {

	static final String LOCATION = "fhir-profiles/search-parameters-off.tsv";
	private static final String ID_PREFIX = "off-";

	/** One line of the list: {@code Observation.combo-code}. */
	record Off(String base, String code, String why) {
		String key() {
			return base + "." + code;
		}

		String id() {
			return ID_PREFIX + base + "-" + code;
		}
	}

	private SearchParametersOff() {}

	/**
	 * Every line of the list, each checked against R4's built-in parameters; what the site switched
	 * back on ({@code Type.code}) must be one of them.
	 */
	static List<Off> read(FhirContext fhir, Collection<String> switchedOn) throws IOException {
		try (InputStream in = new ClassPathResource(LOCATION).getInputStream()) {
			List<Off> all = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
					.filter(line -> !line.isBlank() && !line.startsWith("#"))
					.map(SearchParametersOff::parse)
					.toList();
			all.forEach(off -> builtIn(fhir, off));
			Set<String> known = all.stream().map(Off::key).collect(Collectors.toSet());
			for (String on : switchedOn) {
				if (!known.contains(on)) {
					throw new IllegalStateException("fhir.storage.search-parameters-on names " + on
							+ ", which is not switched off (" + LOCATION + " lists Type.code pairs such as Observation.combo-code)");
				}
			}
			return all;
		}
	}

	/** The retired SearchParameter that stands in for the built-in one. */
	static SearchParameter retired(FhirContext fhir, Off off) {
		RuntimeSearchParam builtIn = builtIn(fhir, off);
		SearchParameter parameter = new SearchParameter();
		parameter.setId(off.id());
		parameter.setUrl("https://consentfhir.org/fhir/SearchParameter/" + off.id());
		parameter.setName(off.code());
		parameter.setCode(off.code());
		parameter.addBase(off.base());
		parameter.setStatus(PublicationStatus.RETIRED);
		parameter.setType(SearchParamType.fromCode(builtIn.getParamType().getCode()));
		parameter.setExpression(builtIn.getPath());
		parameter.setDescription("Not indexed by this server: " + off.why() + " (" + LOCATION + ").");
		builtIn.getTargets().forEach(parameter::addTarget);
		builtIn.getComponents().forEach(component ->
				parameter.addComponent().setDefinition(component.getReference()).setExpression(component.getExpression()));
		return parameter;
	}

	private static RuntimeSearchParam builtIn(FhirContext fhir, Off off) {
		RuntimeSearchParam builtIn = fhir.getResourceDefinition(off.base()).getSearchParam(off.code());
		if (builtIn == null) {
			throw new IllegalStateException(LOCATION + " names " + off.key() + ", which is no built-in search parameter");
		}
		return builtIn;
	}

	private static Off parse(String line) {
		String[] cells = line.split("\t", 3);
		if (cells.length < 2) {
			throw new IllegalStateException(LOCATION + ": a line is '<type>\\t<code>\\t<why>', not '" + line + "'");
		}
		return new Off(cells[0].trim(), cells[1].trim(), cells.length > 2 ? cells[2].trim() : "");
	}
}
