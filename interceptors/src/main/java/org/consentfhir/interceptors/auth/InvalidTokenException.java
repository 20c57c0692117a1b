package org.consentfhir.interceptors.auth;

/** A bearer token was refused; the message says why, in words safe to return to the caller. */
public class InvalidTokenException extends Exception {

	public InvalidTokenException(String message) {
		super(message);
	}

	public InvalidTokenException(String message, Throwable cause) {
		super(message, cause);
	}
}
