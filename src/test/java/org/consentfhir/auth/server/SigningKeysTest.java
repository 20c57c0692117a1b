package org.consentfhir.auth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.consentfhir.testsupport.EndToEndTest;
import org.junit.jupiter.api.Test;

class SigningKeysTest {

	private static final Duration ROTATION = Duration.ofDays(90);
	private static final Instant DAY_ONE = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void keepsTheSameKeyAcrossRestartsInAnOwnerOnlyFile() throws Exception {
		Path file = EndToEndTest.newDataDir("keys").resolve("auth/signing-keys.json");

		String first = SigningKeys.loadOrCreate(file, ROTATION, at(DAY_ONE)).currentKeyId();
		String again = SigningKeys.loadOrCreate(file, ROTATION, at(DAY_ONE.plus(Duration.ofDays(10)))).currentKeyId();

		assertThat(again).isEqualTo(first);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
	}

	@Test
	void rotatesToANewKidAndStillPublishesThePreviousKey() throws Exception {
		Path file = EndToEndTest.newDataDir("keys").resolve("auth/signing-keys.json");
		String old = SigningKeys.loadOrCreate(file, ROTATION, at(DAY_ONE)).currentKeyId();

		String rotated = SigningKeys.loadOrCreate(file, ROTATION, at(DAY_ONE.plus(Duration.ofDays(91)))).currentKeyId();

		assertThat(rotated).isNotEqualTo(old);
		assertThat(JWKSet.parse(Files.readString(file)).getKeys()).extracting(k -> k.getKeyID()).containsExactlyInAnyOrder(rotated, old);
		SigningKeys.loadOrCreate(file, ROTATION, at(DAY_ONE.plus(Duration.ofDays(200))));
		assertThat(JWKSet.parse(Files.readString(file)).getKeys()).extracting(k -> k.getKeyID()).doesNotContain(old);
	}

	private static Clock at(Instant instant) {
		return Clock.fixed(instant, ZoneOffset.UTC);
	}
}
