package org.consentfhir.auth;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.consentfhir.storage.PolicyGeneration;
import org.consentfhir.interceptors.auth.RevokedTokens;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The built-in issuer's revocation list, in the database ({@code fhir_auth_revoked_token},
 * {@code fhir_auth_revoked_party}) so that every node refuses what any node revoked. Kept in memory
 * and read again when its {@link PolicyGeneration} (counter {@link #GENERATION_COUNTER}) has moved,
 * the same way consent decisions are cached: a check costs one primary-key read, and a revocation
 * through any node decides the very next request on all of them.
 *
 * <p>Written when a token is revoked or replayed (the authorization service), a user is disabled,
 * a client is removed; read by the FHIR endpoint's and the admin API's token verification.
 */
public class RevocationList implements RevokedTokens {

	public static final int GENERATION_COUNTER = 2;
	static final String SUBJECT = "subject";
	static final String CLIENT = "client";
	/** Expired tokens are refused anyway; their rows are deleted once the clock skew is well past. */
	private static final Duration KEEP_EXPIRED = Duration.ofHours(1);

	private record Snapshot(long generation, Set<String> tokens, Map<String, Instant> subjects, Map<String, Instant> clients) {}

	private final JdbcTemplate jdbc;
	private final PolicyGeneration generation;
	private final Clock clock;
	private volatile Snapshot snapshot = new Snapshot(-1, Set.of(), Map.of(), Map.of());

	public RevocationList(DataSource dataSource, Clock clock) {
		new ResourceDatabasePopulator(new ClassPathResource("auth/schema.sql")).execute(dataSource);
		this.jdbc = new JdbcTemplate(dataSource);
		this.generation = new PolicyGeneration(dataSource, GENERATION_COUNTER);
		this.clock = clock;
	}

	@Override
	public Optional<String> refusal(Candidate token) {
		Snapshot current = current();
		if (token.tokenHash() != null && current.tokens().contains(token.tokenHash())) {
			return Optional.of("The token has been revoked");
		}
		if (issuedBy(token.issuedAt(), revokedAt(current.subjects(), token.subject()))) {
			return Optional.of("The token's user has been disabled since it was issued");
		}
		if (issuedBy(token.issuedAt(), revokedAt(current.clients(), token.clientId()))) {
			return Optional.of("The token's client has been removed since it was issued");
		}
		return Optional.empty();
	}

	/** When the user's tokens were last revoked (disabled), if ever. */
	public Optional<Instant> subjectRevokedAt(String subject) {
		return Optional.ofNullable(revokedAt(current().subjects(), subject));
	}

	public void revokeToken(String tokenHash, Instant expiresAt) {
		Instant now = clock.instant();
		jdbc.update("DELETE FROM fhir_auth_revoked_token WHERE expires_at < ?", Timestamp.from(now.minus(KEEP_EXPIRED)));
		try {
			jdbc.update("INSERT INTO fhir_auth_revoked_token (token_hash, expires_at, revoked_at) VALUES (?, ?, ?)",
					tokenHash, Timestamp.from(expiresAt == null ? now.plus(Duration.ofDays(1)) : expiresAt), Timestamp.from(now));
		} catch (DuplicateKeyException alreadyRevoked) {
			return;
		}
		generation.bump();
	}

	/** Every token of this user issued until now is refused, on every node. */
	public void revokeSubject(String subject) {
		revokeParty(SUBJECT, subject);
	}

	/** Every token of this client issued until now is refused, on every node. */
	public void revokeClient(String clientId) {
		revokeParty(CLIENT, clientId);
	}

	private void revokeParty(String kind, String name) {
		Timestamp now = Timestamp.from(clock.instant());
		if (jdbc.update("UPDATE fhir_auth_revoked_party SET revoked_at = ? WHERE kind = ? AND name = ?", now, kind, name) == 0) {
			try {
				jdbc.update("INSERT INTO fhir_auth_revoked_party (kind, name, revoked_at) VALUES (?, ?, ?)", kind, name, now);
			} catch (DuplicateKeyException revokedAtTheSameMomentElsewhere) {
				// one of the two times is as good as the other
			}
		}
		generation.bump();
	}

	private Snapshot current() {
		long latest = generation.current();
		Snapshot known = snapshot;
		if (known.generation() == latest) {
			return known;
		}
		synchronized (this) {
			if (snapshot.generation() != latest) {
				snapshot = load(latest);
			}
			return snapshot;
		}
	}

	/** Read after the generation, so a revocation written meanwhile is either in it or moves the generation again. */
	private Snapshot load(long at) {
		Set<String> tokens = new HashSet<>(jdbc.queryForList(
				"SELECT token_hash FROM fhir_auth_revoked_token WHERE expires_at >= ?", String.class,
				Timestamp.from(clock.instant().minus(KEEP_EXPIRED))));
		Map<String, Instant> subjects = new HashMap<>();
		Map<String, Instant> clients = new HashMap<>();
		jdbc.query("SELECT kind, name, revoked_at FROM fhir_auth_revoked_party", row -> {
			(SUBJECT.equals(row.getString("kind")) ? subjects : clients)
					.put(row.getString("name"), row.getTimestamp("revoked_at").toInstant());
		});
		return new Snapshot(at, Set.copyOf(tokens), Map.copyOf(subjects), Map.copyOf(clients));
	}

	private static Instant revokedAt(Map<String, Instant> parties, String name) {
		return name == null ? null : parties.get(name); // immutable maps refuse to look up null
	}

	/**
	 * A token issued at or before the revocation (its {@code iat} has whole seconds, so one issued in
	 * the same second counts as before: refusing one token too many is the safe side).
	 */
	private static boolean issuedBy(Instant issuedAt, Instant revokedAt) {
		return revokedAt != null && (issuedAt == null || !issuedAt.isAfter(revokedAt));
	}
}
