package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.consentfhir.interceptors.auth.RevokedTokens;
import org.consentfhir.interceptors.auth.RevokedTokens.Candidate;
import org.consentfhir.testsupport.PostgresDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two nodes' revocation lists on one database (H2, and PostgreSQL when it answers): what one node
 * revokes, the other refuses at its very next check, although it had read the list before.
 */
class RevocationListTest {

	static Stream<String> databases() {
		List<String> urls = new ArrayList<>(List.of("jdbc:h2:mem:revocations-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));
		if (PostgresDatabase.available()) {
			urls.add(PostgresDatabase.newDatabase());
		}
		return urls.stream();
	}

	@ParameterizedTest
	@MethodSource("databases")
	void aTokenRevokedThroughOneNodeIsRefusedAtTheOthersNextCheck(String url) {
		DataSource database = dataSource(url);
		RevocationList nodeA = new RevocationList(database, Clock.systemUTC());
		RevocationList nodeB = new RevocationList(database, Clock.systemUTC());
		Candidate token = new Candidate(RevokedTokens.hash("a.stolen.token"), "dr.rao", "app", Instant.now().minusSeconds(60));
		assertThat(nodeB.refusal(token)).isEmpty();

		nodeA.revokeToken(token.tokenHash(), Instant.now().plusSeconds(600));

		assertThat(nodeB.refusal(token)).hasValueSatisfying(why -> assertThat(why).contains("revoked"));
		assertThat(nodeA.refusal(token)).isPresent();
	}

	@ParameterizedTest
	@MethodSource("databases")
	void aDisabledUsersEarlierTokensStayRefusedOnEveryNodeButLaterOnesAreNot(String url) {
		DataSource database = dataSource(url);
		RevocationList nodeA = new RevocationList(database, Clock.systemUTC());
		RevocationList nodeB = new RevocationList(database, Clock.systemUTC());
		String user = "user-" + UUID.randomUUID();
		Candidate before = new Candidate(RevokedTokens.hash("before"), user, "app", Instant.now().minusSeconds(60));
		Candidate later = new Candidate(RevokedTokens.hash("later"), user, "app", Instant.now().plusSeconds(60));
		assertThat(nodeB.refusal(before)).isEmpty();

		nodeA.revokeSubject(user);

		assertThat(nodeB.refusal(before)).isPresent();
		assertThat(nodeB.refusal(later)).isEmpty();
		assertThat(nodeB.subjectRevokedAt(user)).isPresent();
	}

	@ParameterizedTest
	@MethodSource("databases")
	void aRemovedClientsTokensAreRefusedOnEveryNode(String url) {
		DataSource database = dataSource(url);
		RevocationList nodeA = new RevocationList(database, Clock.systemUTC());
		RevocationList nodeB = new RevocationList(database, Clock.systemUTC());
		String client = "client-" + UUID.randomUUID();
		Candidate token = new Candidate(RevokedTokens.hash("client token"), client, client, Instant.now().minusSeconds(5));
		assertThat(nodeB.refusal(token)).isEmpty();

		nodeA.revokeClient(client);

		assertThat(nodeB.refusal(token)).hasValueSatisfying(why -> assertThat(why).contains("client"));
	}

	private static DataSource dataSource(String url) {
		return url.startsWith("jdbc:h2")
				? new DriverManagerDataSource(url, "sa", "")
				: new DriverManagerDataSource(url, PostgresDatabase.user(), PostgresDatabase.password());
	}
}
