package org.consentfhir.auth.server;

import java.util.Optional;

/**
 * What a password must be: at least 12 characters, three of the four kinds (lower case, upper case,
 * digit, other), and not containing the username.
 */
public final class PasswordPolicy {

	static final int MIN_LENGTH = 12;

	private PasswordPolicy() {}

	/** @return why the password is refused, or empty if it is acceptable */
	public static Optional<String> problemWith(String password, String username) {
		if (password == null || password.length() < MIN_LENGTH) {
			return Optional.of("The password must have at least " + MIN_LENGTH + " characters");
		}
		int kinds = (password.chars().anyMatch(Character::isLowerCase) ? 1 : 0)
				+ (password.chars().anyMatch(Character::isUpperCase) ? 1 : 0)
				+ (password.chars().anyMatch(Character::isDigit) ? 1 : 0)
				+ (password.chars().anyMatch(c -> !Character.isLetterOrDigit(c)) ? 1 : 0);
		if (kinds < 3) {
			return Optional.of("The password must mix at least three of: lower case, upper case, digits, other characters");
		}
		if (username != null && password.toLowerCase().contains(username.toLowerCase())) {
			return Optional.of("The password must not contain the username");
		}
		return Optional.empty();
	}
}
