package org.consentfhir.auth.server;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.consentfhir.interceptors.auth.Role;
import org.springframework.jdbc.core.JdbcTemplate;

/** The user accounts of the built-in authorization server, in table {@code fhir_auth_user}. */
public class UserAccounts {

	private static final String COLUMNS = "username, role, fhir_user, enabled, failed_logins, locked_until";

	private final JdbcTemplate jdbc;

	public UserAccounts(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<UserAccount> find(String username) {
		return jdbc.query("SELECT " + COLUMNS + " FROM fhir_auth_user WHERE username = ?", UserAccounts::map, username)
				.stream()
				.findFirst();
	}

	public List<UserAccount> list() {
		return jdbc.query("SELECT " + COLUMNS + " FROM fhir_auth_user ORDER BY username", UserAccounts::map);
	}

	Optional<String> passwordHash(String username) {
		return jdbc.queryForList("SELECT password_hash FROM fhir_auth_user WHERE username = ?", String.class, username)
				.stream()
				.findFirst();
	}

	/** @return false when the username is taken */
	public boolean create(String username, String passwordHash, Role role, String fhirUser) {
		if (find(username).isPresent()) {
			return false;
		}
		jdbc.update(
				"INSERT INTO fhir_auth_user (username, password_hash, role, fhir_user, enabled, failed_logins, created_at)"
						+ " VALUES (?, ?, ?, ?, TRUE, 0, ?)",
				username, passwordHash, role.id(), fhirUser, Timestamp.from(Instant.now()));
		return true;
	}

	public boolean setEnabled(String username, boolean enabled) {
		return jdbc.update("UPDATE fhir_auth_user SET enabled = ? WHERE username = ?", enabled, username) == 1;
	}

	public boolean resetPassword(String username, String passwordHash) {
		return jdbc.update(
						"UPDATE fhir_auth_user SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE username = ?",
						passwordHash, username)
				== 1;
	}

	void recordFailure(String username, int lockAfter, Instant lockUntil) {
		jdbc.update("UPDATE fhir_auth_user SET failed_logins = failed_logins + 1 WHERE username = ?", username);
		jdbc.update(
				"UPDATE fhir_auth_user SET locked_until = ?, failed_logins = 0 WHERE username = ? AND failed_logins >= ?",
				Timestamp.from(lockUntil), username, lockAfter);
	}

	void recordSuccess(String username) {
		jdbc.update("UPDATE fhir_auth_user SET failed_logins = 0, locked_until = NULL WHERE username = ?", username);
	}

	private static UserAccount map(ResultSet row, int n) throws SQLException {
		Timestamp locked = row.getTimestamp("locked_until");
		return new UserAccount(
				row.getString("username"),
				Role.of(row.getString("role")).orElseThrow(),
				row.getString("fhir_user"),
				row.getBoolean("enabled"),
				row.getInt("failed_logins"),
				locked == null ? null : locked.toInstant());
	}
}
