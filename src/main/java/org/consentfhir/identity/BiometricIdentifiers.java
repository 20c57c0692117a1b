package org.consentfhir.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a fingerprint template into a patient identifier that cannot be turned back: the
 * HMAC-SHA-256 of the template's bytes under a server key, base64url. The template and any unkeyed
 * hash of it are never stored or logged; without the key, the identifier cannot be tested against
 * a template. Equal templates give equal identifiers, so this matches an exact template (as a
 * reader that produces a stable template does), not a fuzzy fingerprint comparison.
 */
final class BiometricIdentifiers {

	static final String SYSTEM = "https://consentfhir.org/fhir/biometric-hmac-sha256";
	private static final int MIN_SECRET_CHARS = 32;

	private final SecretKeySpec key;

	BiometricIdentifiers(byte[] key) {
		this.key = new SecretKeySpec(key, "HmacSHA256");
	}

	static BiometricIdentifiers fromSettings(String secret, Path dataDir) {
		if (secret != null && !secret.isBlank()) {
			if (secret.length() < MIN_SECRET_CHARS) {
				throw new IllegalStateException("fhir.identity.biometric-secret must have at least " + MIN_SECRET_CHARS + " characters");
			}
			return new BiometricIdentifiers(secret.getBytes(StandardCharsets.UTF_8));
		}
		return new BiometricIdentifiers(generatedKey(dataDir.resolve("identity").resolve("biometric-hmac.key")));
	}

	String of(byte[] template) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(template));
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	private static byte[] generatedKey(Path file) {
		try {
			if (Files.exists(file)) {
				return Base64.getDecoder().decode(Files.readString(file).strip());
			}
			Files.createDirectories(file.getParent());
			byte[] key = new byte[32];
			new SecureRandom().nextBytes(key);
			Files.writeString(file, "");
			try {
				Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			} catch (UnsupportedOperationException notPosix) {
				// a file system without POSIX permissions: the data directory's own protection applies
			}
			Files.writeString(file, Base64.getEncoder().encodeToString(key));
			return key;
		} catch (IOException e) {
			throw new IllegalStateException("Cannot read or create the biometric key " + file, e);
		}
	}
}
