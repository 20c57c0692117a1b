package org.consentfhir.auth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in authorization server's RSA signing keys, kept as a JSON Web Key Set in a file only
 * the server's user can read ({@code <data-dir>/auth/signing-keys.json}), so tokens stay valid
 * across restarts. At start a key older than the rotation period is replaced by a new one with a
 * new {@code kid}; the previous key stays published one more period so tokens it signed still verify.
 */
public final class SigningKeys {

	private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

	private final RSAKey current;
	private final JWKSet published;

	private SigningKeys(RSAKey current, JWKSet published) {
		this.current = current;
		this.published = published;
	}

	public static SigningKeys loadOrCreate(Path file, Duration rotation, Clock clock) {
		try {
			List<RSAKey> keys = new ArrayList<>(read(file));
			Instant now = clock.instant();
			keys.removeIf(k -> createdAt(k).isBefore(now.minus(rotation.multipliedBy(2))));
			keys.sort(Comparator.comparing(SigningKeys::createdAt).reversed());
			if (keys.isEmpty() || createdAt(keys.get(0)).isBefore(now.minus(rotation))) {
				RSAKey fresh = new RSAKeyGenerator(2048)
						.keyID("consentfhir-" + UUID.randomUUID())
						.keyUse(KeyUse.SIGNATURE)
						.algorithm(JWSAlgorithm.RS256)
						.issueTime(Date.from(now))
						.generate();
				keys.add(0, fresh);
				write(file, keys);
				log.info("New token signing key {} written to {}", fresh.getKeyID(), file);
			}
			return new SigningKeys(keys.get(0), new JWKSet(List.copyOf(keys)));
		} catch (IOException | ParseException | JOSEException e) {
			throw new IllegalStateException("Cannot load or create the token signing keys in " + file, e);
		}
	}

	public String currentKeyId() {
		return current.getKeyID();
	}

	/** Every published key, private parts included: for signing (selected by kid) and verifying. */
	public JWKSource<SecurityContext> source() {
		return new ImmutableJWKSet<>(published);
	}

	private static Instant createdAt(JWK key) {
		return key.getIssueTime() == null ? Instant.EPOCH : key.getIssueTime().toInstant();
	}

	private static List<RSAKey> read(Path file) throws IOException, ParseException {
		if (!Files.exists(file)) {
			return List.of();
		}
		return JWKSet.parse(Files.readString(file)).getKeys().stream().map(JWK::toRSAKey).toList();
	}

	private static void write(Path file, List<RSAKey> keys) throws IOException {
		Files.createDirectories(file.getParent());
		Path temp = Files.createTempFile(file.getParent(), "signing-keys", ".tmp");
		restrictToOwner(temp);
		Files.writeString(temp, new JWKSet(List.copyOf(keys)).toString(false), StandardCharsets.UTF_8);
		Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	static void restrictToOwner(Path file) throws IOException {
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		} catch (UnsupportedOperationException notPosix) {
			// Windows: the data directory's own permissions apply
		}
	}
}
