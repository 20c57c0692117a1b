package org.consentfhir.interceptors;

import java.util.regex.Pattern;

/** What a FHIR resource id may be: 1 to 64 letters, digits, {@code -} and {@code .}. */
public final class FhirIds {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

	private FhirIds() {}

	public static boolean isId(String value) {
		return value != null && ID.matcher(value).matches();
	}
}
