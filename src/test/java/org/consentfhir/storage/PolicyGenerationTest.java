package org.consentfhir.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** The policy counters: read together once per request, fresh on every read outside one. */
class PolicyGenerationTest {

	private JdbcDataSource database;
	private PolicyGeneration consent;
	private PolicyGeneration revocations;

	@BeforeEach
	void database() {
		database = new JdbcDataSource();
		database.setURL("jdbc:h2:mem:policy-generation-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
		consent = new PolicyGeneration(database, PolicyGeneration.ACCESS_POLICY);
		revocations = new PolicyGeneration(database, 2);
	}

	@AfterEach
	void endRequest() {
		RequestContextHolder.resetRequestAttributes();
	}

	@Test
	void aRequestReadsEveryCounterOnceAndTheNextRequestSeesAnotherNodesChange() {
		beginRequest();
		assertThat(revocations.current()).isZero();
		anotherNodeBumps(PolicyGeneration.ACCESS_POLICY);
		assertThat(consent.current()).as("the counters as the request first read them").isZero();

		beginRequest();
		assertThat(revocations.current()).isZero();
		assertThat(consent.current()).isEqualTo(1);
	}

	@Test
	void aChangeMadeInTheRequestIsSeenByItsNextRead() {
		beginRequest();
		assertThat(consent.current()).isZero();
		consent.bump();
		assertThat(consent.current()).isEqualTo(1);
	}

	@Test
	void outsideARequestEveryReadIsFresh() {
		assertThat(consent.current()).isZero();
		anotherNodeBumps(PolicyGeneration.ACCESS_POLICY);
		assertThat(consent.current()).isEqualTo(1);
		anotherNodeBumps(2);
		assertThat(revocations.current()).isEqualTo(1);
	}

	private static void beginRequest() {
		RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest()));
	}

	private void anotherNodeBumps(int counter) {
		new JdbcTemplate(database).update("UPDATE fhir_policy_generation SET generation = generation + 1 WHERE id = ?", counter);
	}
}
