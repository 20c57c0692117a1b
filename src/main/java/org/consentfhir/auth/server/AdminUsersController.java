package org.consentfhir.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.consentfhir.auth.RevocationList;
import org.consentfhir.interceptors.auth.AccessToken;
import org.hl7.fhir.r4.model.AuditEvent;
import org.consentfhir.interceptors.auth.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * User accounts of the built-in authorization server, for an admin token (scope {@code users.manage}):
 * {@code POST /admin/users} creates ({@code {"username","password","role","fhirUser"}}),
 * {@code GET /admin/users} lists, {@code POST /admin/users/{username}/disable} (which also ends the
 * user's sessions and every token issued to them so far, see {@link RevocationList}) and {@code /enable},
 * {@code POST /admin/users/{username}/password} ({@code {"password"}}) resets and unlocks. Problems
 * are answered with an OperationOutcome.
 */
@RestController
@ConditionalOnProperty(prefix = "fhir.auth.builtin-server", name = "enabled", havingValue = "true", matchIfMissing = true)
@RequestMapping(path = "/admin/users", produces = MediaType.APPLICATION_JSON_VALUE)
class AdminUsersController {

	private static final Logger log = LoggerFactory.getLogger(AdminUsersController.class);
	private static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9._@-]{3,100}$");
	private static final Pattern FHIR_USER = Pattern.compile("^(Practitioner|Patient|RelatedPerson)/[A-Za-z0-9\\-.]{1,64}$");

	private final UserAccounts accounts;
	private final PasswordEncoder encoder;
	private final AdminTokens tokens;
	private final RevocationList revocations;
	private final AdminAudit audit;

	AdminUsersController(UserAccounts accounts, PasswordEncoder encoder, AdminTokens tokens, RevocationList revocations,
			AdminAudit audit) {
		this.revocations = revocations;
		this.audit = audit;
		this.accounts = accounts;
		this.encoder = encoder;
		this.tokens = tokens;
	}

	record NewUser(String username, String password, String role, String fhirUser) {}

	record NewPassword(String password) {}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> create(HttpServletRequest request, @RequestBody NewUser user) {
		AccessToken admin = authorize(request);
		if (user == null || user.username() == null || !USERNAME.matcher(user.username()).matches()) {
			throw new Problem(HttpStatus.BAD_REQUEST, "username must be 3 to 100 letters, digits or . _ @ -");
		}
		Role role = Role.of(user.role()).orElseThrow(() ->
				new Problem(HttpStatus.BAD_REQUEST, "role must be one of admin, doctor, nurse, patient"));
		if (role == Role.DEVICE) {
			throw new Problem(HttpStatus.BAD_REQUEST, "a device is not a user: register its client at /admin/devices/{id}/client");
		}
		if (user.fhirUser() != null && !FHIR_USER.matcher(user.fhirUser()).matches()) {
			throw new Problem(HttpStatus.BAD_REQUEST, "fhirUser must be Practitioner/id, Patient/id or RelatedPerson/id");
		}
		if (role == Role.PATIENT && (user.fhirUser() == null || !user.fhirUser().startsWith("Patient/"))) {
			throw new Problem(HttpStatus.BAD_REQUEST, "a patient's fhirUser must be their Patient/id");
		}
		checkPassword(user.password(), user.username());
		if (!accounts.create(user.username(), encoder.encode(user.password()), role, user.fhirUser())) {
			throw new Problem(HttpStatus.CONFLICT, "a user named " + user.username() + " exists");
		}
		log.info("User {} ({}) created by {}", user.username(), role.id(), admin.describe());
		audit.userChanged(admin, AuditEvent.AuditEventAction.C, user.username(), "user created with role " + role.id());
		return ResponseEntity.created(URI.create("/admin/users/" + user.username())).body(view(accounts.find(user.username()).orElseThrow()));
	}

	@GetMapping
	List<Map<String, Object>> list(HttpServletRequest request) {
		authorize(request);
		return accounts.list().stream().map(AdminUsersController::view).toList();
	}

	@PostMapping("/{username}/disable")
	Map<String, Object> disable(HttpServletRequest request, @PathVariable String username) {
		return setEnabled(request, username, false);
	}

	@PostMapping("/{username}/enable")
	Map<String, Object> enable(HttpServletRequest request, @PathVariable String username) {
		return setEnabled(request, username, true);
	}

	@PostMapping(path = "/{username}/password", consumes = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> resetPassword(HttpServletRequest request, @PathVariable String username, @RequestBody NewPassword body) {
		AccessToken admin = authorize(request);
		checkPassword(body == null ? null : body.password(), username);
		if (!accounts.resetPassword(username, encoder.encode(body.password()))) {
			throw new Problem(HttpStatus.NOT_FOUND, "no user named " + username);
		}
		log.info("Password of {} reset by {}", username, admin.describe());
		audit.userChanged(admin, AuditEvent.AuditEventAction.U, username, "password reset");
		return view(accounts.find(username).orElseThrow());
	}

	private Map<String, Object> setEnabled(HttpServletRequest request, String username, boolean enabled) {
		AccessToken admin = authorize(request);
		if (!accounts.setEnabled(username, enabled)) {
			throw new Problem(HttpStatus.NOT_FOUND, "no user named " + username);
		}
		if (!enabled) {
			revocations.revokeSubject(username); // their tokens and sessions end now, on every node
		}
		log.info("User {} {} by {}", username, enabled ? "enabled" : "disabled", admin.describe());
		audit.userChanged(admin, AuditEvent.AuditEventAction.U, username,
				enabled ? "user enabled" : "user disabled, and their tokens and sessions ended");
		return view(accounts.find(username).orElseThrow());
	}

	private static void checkPassword(String password, String username) {
		PasswordPolicy.problemWith(password, username).ifPresent(problem -> {
			throw new Problem(HttpStatus.BAD_REQUEST, problem);
		});
	}

	private AccessToken authorize(HttpServletRequest request) {
		return tokens.require(request, "users.manage");
	}

	private static Map<String, Object> view(UserAccount account) {
		return Map.of(
				"username", account.username(),
				"role", account.role().id(),
				"fhirUser", account.fhirUser() == null ? "" : account.fhirUser(),
				"enabled", account.enabled(),
				"locked", account.lockedAt(java.time.Instant.now()));
	}
}
