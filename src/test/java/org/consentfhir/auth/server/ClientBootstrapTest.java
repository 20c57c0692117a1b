package org.consentfhir.auth.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.consentfhir.auth.AuthProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** The admin client generated at first start: its secret goes to an owner-only file, never to the log. */
@ExtendWith(OutputCaptureExtension.class)
class ClientBootstrapTest {

	@Test
	void theGeneratedAdminSecretNeverReachesTheLog(@TempDir Path authDir, CapturedOutput log) throws Exception {
		AuthProperties noAdminConfigured = new AuthProperties(null, null, null, null,
				new AuthProperties.BuiltinServer(true, null, null, null, null, null, null, null), false, null, null, null);

		new ClientBootstrap(new Clients(), new BCryptPasswordEncoder(4), noAdminConfigured, authDir, new DefaultResourceLoader());

		Properties written = new Properties();
		try (var in = Files.newInputStream(authDir.resolve("admin-client.properties"))) {
			written.load(in);
		}
		String secret = written.getProperty("client_secret");
		assertThat(secret).isNotBlank();
		assertThat(log.getAll()).contains(written.getProperty("client_id")).doesNotContain(secret);
	}

	/** The clients as a map: this test is about the log, not about storage. */
	private static final class Clients implements RegisteredClientRepository {
		private final Map<String, RegisteredClient> byClientId = new HashMap<>();

		@Override
		public void save(RegisteredClient client) {
			byClientId.put(client.getClientId(), client);
		}

		@Override
		public RegisteredClient findById(String id) {
			return byClientId.values().stream().filter(c -> c.getId().equals(id)).findFirst().orElse(null);
		}

		@Override
		public RegisteredClient findByClientId(String clientId) {
			return byClientId.get(clientId);
		}
	}
}
