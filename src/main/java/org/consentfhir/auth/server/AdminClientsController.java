package org.consentfhir.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import org.consentfhir.auth.AuthProperties;
import org.consentfhir.auth.RevocationList;
import org.consentfhir.interceptors.auth.AccessToken;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code DELETE /admin/clients/{clientId}} (admin token with {@code client.create}): removes a
 * registered client and, through the {@link RevocationList}, every token it was given, on every
 * node; Spring Authorization Server's dynamic registration has no way to remove one. The bootstrap
 * admin client is not removed here (it comes back at the next start; change its secret instead).
 */
@RestController
@ConditionalOnProperty(prefix = "fhir.auth.builtin-server", name = "enabled", havingValue = "true", matchIfMissing = true)
@RequestMapping(path = "/admin/clients")
class AdminClientsController {

	private static final Logger log = LoggerFactory.getLogger(AdminClientsController.class);

	private final AuthorizationServerConfig.AuthSchema schema;
	private final AdminTokens tokens;
	private final RevocationList revocations;
	private final String adminClientId;
	private final AdminAudit audit;

	AdminClientsController(AuthorizationServerConfig.AuthSchema schema, AdminTokens tokens, RevocationList revocations,
			AuthProperties auth, AdminAudit audit) {
		this.audit = audit;
		this.schema = schema;
		this.tokens = tokens;
		this.revocations = revocations;
		this.adminClientId = auth.builtinServer().adminClientId();
	}

	@DeleteMapping("/{clientId}")
	ResponseEntity<Void> remove(HttpServletRequest request, @PathVariable String clientId) {
		AccessToken admin = tokens.require(request, "client.create");
		if (clientId.equals(adminClientId) || clientId.equals(admin.clientId())) {
			throw new Problem(HttpStatus.CONFLICT, "the admin client is not removed through itself");
		}
		if (schema.jdbc().update("DELETE FROM oauth2_registered_client WHERE client_id = ?", clientId) == 0) {
			throw new Problem(HttpStatus.NOT_FOUND, "no client " + clientId);
		}
		revocations.revokeClient(clientId);
		log.info("Client {} removed, and its tokens revoked, by {}", clientId, admin.describe());
		audit.clientChanged(admin, AuditEvent.AuditEventAction.D, clientId, "client removed, and its tokens revoked");
		return ResponseEntity.noContent().build();
	}
}
