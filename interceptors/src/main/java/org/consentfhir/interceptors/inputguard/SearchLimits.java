package org.consentfhir.interceptors.inputguard;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a search may ask for. Each search parameter value becomes a join or a sub-select of the
 * query, so a search of 300 AND-ed values runs for minutes; the number of values (every value of
 * every parameter, AND-repeated ones each count) is bounded. The paging parameters are whole numbers
 * from zero to {@value #MAX_PAGING_VALUE}, and anything else is refused instead of reaching the
 * database as a negative offset ({@code _offset=-5}) or one that overflows when the page size is added
 * to it ({@code _offset=2147483647}); a billion is beyond any result set this server pages through.
 */
final class SearchLimits {

	/** The paging parameters of a search and of HAPI's page links. */
	static final List<String> PAGING_PARAMETERS = List.of("_count", "_offset", "_getpagesoffset");

	static final int MAX_PAGING_VALUE = 1_000_000_000;

	private final int maxParameterValues;

	SearchLimits(int maxParameterValues) {
		this.maxParameterValues = maxParameterValues;
	}

	/** @return the problem with the paging parameters among {@code parameters}, or empty */
	static Optional<String> pagingProblem(Map<String, String[]> parameters) {
		for (String name : PAGING_PARAMETERS) {
			String[] values = parameters.get(name);
			if (values == null) {
				continue;
			}
			if (values.length > 1) {
				return Optional.of(name + " may be given once");
			}
			if (!isWholeNumber(values[0])) {
				return Optional.of(name + " must be a whole number from 0 to " + MAX_PAGING_VALUE + ", not '" + values[0] + "'");
			}
		}
		return Optional.empty();
	}

	/** @return the problem with the number of parameter values of {@code search}, or empty */
	Optional<String> sizeProblem(SearchParameterMap search) {
		int values = 0;
		for (var parameter : search.values()) {
			values += parameter.size();
		}
		return values > maxParameterValues
				? Optional.of("a search may have at most " + maxParameterValues + " parameter values, this one has " + values)
				: Optional.empty();
	}

	private static boolean isWholeNumber(String value) {
		if (value == null || value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
			return false;
		}
		return Long.parseLong(value) <= MAX_PAGING_VALUE;
	}
}
