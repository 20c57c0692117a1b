package org.consentfhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.consentfhir.interceptors.consent.PurposeOfUse;
import org.consentfhir.testsupport.Clinic;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.OAuth;
import org.consentfhir.testsupport.TestIssuer;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Subscription used as a request-forgery tool (an endpoint on the server's own network, headers
 * of the subscriber's choosing), with a forged subscriber, or to learn of records the subscriber may
 * not read. The test configuration allows 127.0.0.1 and localhost, by name, for its receivers; every
 * other internal address stays refused.
 */
class SubscriptionAttacksTest extends EndToEndTest {

	private static final String JSON = "application/fhir+json";
	private static final String SUBSCRIBER = "https://consentfhir.org/fhir/StructureDefinition/subscription-subscriber";

	private Clinic clinic;
	private String doctorToken;

	@BeforeEach
	void aClinic() {
		clinic = new Clinic(client, baseUrl());
		doctorToken = clinic.doctorToken();
	}

	@Test
	void refusesEndpointsOnInternalOrUnresolvableHosts() {
		for (String endpoint : new String[] {
			"http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/hook", "http://127.0.0.2/hook",
			"http://0.0.0.0:8080/", "https://192.168.1.1/", "http://172.16.0.5/", "http://[fd00::1]/", "http://[fe80::1]/",
			"http://2130706433/", "http://no-such-host.invalid/hook"
		}) {
			HttpResponse<String> response = post(subscription(endpoint), doctorToken);

			assertThat(response.statusCode()).as(endpoint + ": " + response.body()).isEqualTo(422);
			assertThat(response.body()).contains("OperationOutcome", "Subscription refused");
		}
	}

	@Test
	void refusesChannelHeadersOtherThanTheAllowedOnes() {
		for (String header : new String[] {"Host: metadata.internal", "X-Forwarded-For: 10.0.0.1", "Authorization: x\r\nHost: y", "no colon"}) {
			Subscription subscription = subscription("http://127.0.0.1:9/hook");
			subscription.getChannel().addHeader(header);

			HttpResponse<String> response = post(subscription, doctorToken);

			assertThat(response.statusCode()).as(header + ": " + response.body()).isEqualTo(422);
			assertThat(response.body()).contains("channel.header");
		}
		Subscription allowed = subscription("http://127.0.0.1:9/hook");
		allowed.getChannel().addHeader("Authorization: Bearer app-secret");
		assertThat(post(allowed, doctorToken).statusCode()).isEqualTo(201);
	}

	@Test
	void stampsTheRealSubscriberOverAForgedOne() {
		Subscription forged = subscription("http://127.0.0.1:9/hook");
		forged.getChannel().addExtension(new Extension(SUBSCRIBER + "#client", new StringType(TestIssuer.TRUSTED_CLIENT_ID)));

		HttpResponse<String> response = post(forged, doctorToken);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		Subscription stored = FHIR.newJsonParser().parseResource(Subscription.class, response.body());
		assertThat(stored.getChannel().getExtensionsByUrl(SUBSCRIBER + "#client")).singleElement()
				.satisfies(e -> assertThat(e.getValue().primitiveValue()).isEqualTo(Clinic.APP_CLIENT_ID));
		assertThat(stored.getChannel().getExtensionsByUrl(SUBSCRIBER + "#user")).singleElement()
				.satisfies(e -> assertThat(e.getValue().primitiveValue()).isEqualTo(clinic.doctor));
	}

	@Test
	void notifiesOnlyOfRecordsTheSubscriberMayReadAndATrustedClientOfAll() throws Exception {
		String own = clinic.patient(unique("Own"));
		clinic.permit(own, clinic.organization, PurposeOfUse.TREAT);
		String stranger = clinic.patient(unique("Stranger"));
		String code = unique("code");
		try (Receiver receiver = new Receiver("/doctor", "/system")) {
			BlockingQueue<String> doctorHook = receiver.heardAt("/doctor");
			BlockingQueue<String> systemHook = receiver.heardAt("/system");
			awaitActive(created(post(subscription(receiver.endpoint("/doctor"), "Observation?code=urn:test:code|" + code), doctorToken)));
			awaitActive(created(post(subscription(receiver.endpoint("/system"), "Observation?code=urn:test:code|" + code), systemToken)));

			clinic.observation(stranger, code);
			clinic.observation(own, code);

			assertThat(systemHook.poll(30, TimeUnit.SECONDS)).isNotNull();
			assertThat(systemHook.poll(30, TimeUnit.SECONDS)).as("the trusted client hears of both").isNotNull();
			assertThat(doctorHook.poll(30, TimeUnit.SECONDS)).as("the doctor hears of their patient's record").isNotNull();
			assertThat(doctorHook.poll(3, TimeUnit.SECONDS)).as("and not of the stranger's").isNull();
		}
	}

	@Test
	void notifiesNoSubscriberWhoseScopesDoNotReadTheRecord() throws Exception {
		String own = clinic.patient(unique("Own"));
		clinic.permit(own, clinic.organization, PurposeOfUse.TREAT);
		String code = unique("code");
		String subscriptionsOnly = clinic.userToken(clinic.doctor, "doctor", "user/Subscription.cruds user/Patient.rs");
		try (Receiver receiver = new Receiver("/reader", "/narrow")) {
			BlockingQueue<String> readerHook = receiver.heardAt("/reader");
			BlockingQueue<String> narrowHook = receiver.heardAt("/narrow");
			awaitActive(created(post(subscription(receiver.endpoint("/reader"), "Observation?code=urn:test:code|" + code), doctorToken)));
			awaitActive(created(post(subscription(receiver.endpoint("/narrow"), "Observation?code=urn:test:code|" + code), subscriptionsOnly)));

			clinic.observation(own, code);

			assertThat(readerHook.poll(30, TimeUnit.SECONDS)).as("a subscriber whose scopes read Observations hears").isNotNull();
			assertThat(narrowHook.poll(3, TimeUnit.SECONDS)).as("one whose scopes do not, does not").isNull();
		}
	}

	@Test
	void notifiesNoSubscriberDisabledSinceSubscribing() throws Exception {
		String own = clinic.patient(unique("Own"));
		clinic.permit(own, clinic.organization, PurposeOfUse.TREAT);
		String code = unique("code");
		OAuth oauth = new OAuth(url(""));
		String username = unique("subscriber");
		String password = oauth.createUser(username, "doctor", clinic.doctor);
		String builtinToken = oauth.password(username, password, "user/*.cruds").text("access_token");
		try (Receiver receiver = new Receiver("/user", "/control")) {
			BlockingQueue<String> userHook = receiver.heardAt("/user");
			BlockingQueue<String> controlHook = receiver.heardAt("/control");
			awaitActive(created(post(subscription(receiver.endpoint("/user"), "Observation?code=urn:test:code|" + code), builtinToken)));
			awaitActive(created(post(subscription(receiver.endpoint("/control"), "Observation?code=urn:test:code|" + code), doctorToken)));
			clinic.observation(own, code);
			assertThat(userHook.poll(30, TimeUnit.SECONDS)).as("the user hears while enabled").isNotNull();
			assertThat(controlHook.poll(30, TimeUnit.SECONDS)).isNotNull();

			assertThat(oauth.json("POST", "/admin/users/" + username + "/disable", oauth.adminToken(), null).status()).isEqualTo(200);
			clinic.observation(own, code);

			assertThat(controlHook.poll(30, TimeUnit.SECONDS)).as("the second record is notified").isNotNull();
			assertThat(userHook.poll(3, TimeUnit.SECONDS)).as("but not to the disabled user").isNull();
		}
	}

	/** A local HTTP server standing in for subscribers' endpoints: each path keeps the notifications it was sent. */
	private static final class Receiver implements AutoCloseable {

		private final HttpServer server;
		private final java.util.Map<String, BlockingQueue<String>> heard = new java.util.HashMap<>();

		Receiver(String... paths) throws java.io.IOException {
			server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			for (String path : paths) {
				BlockingQueue<String> queue = new LinkedBlockingQueue<>();
				heard.put(path, queue);
				server.createContext(path, exchange -> record(queue, exchange));
			}
			server.start();
		}

		String endpoint(String path) {
			return "http://127.0.0.1:" + server.getAddress().getPort() + path;
		}

		BlockingQueue<String> heardAt(String path) {
			return heard.get(path);
		}

		@Override
		public void close() {
			server.stop(0);
		}
	}

	private static void record(BlockingQueue<String> queue, com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
		queue.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
		exchange.sendResponseHeaders(200, -1);
		exchange.close();
	}

	private static Subscription subscription(String endpoint) {
		return subscription(endpoint, "Flag?status=active");
	}

	private static Subscription subscription(String endpoint, String criteria) {
		Subscription subscription = new Subscription().setStatus(Subscription.SubscriptionStatus.REQUESTED)
				.setReason("attack").setCriteria(criteria);
		subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint(endpoint);
		return subscription;
	}

	private HttpResponse<String> post(Subscription subscription, String token) {
		return send("POST", "/fhir/Subscription", JSON, FHIR.newJsonParser().encodeResourceToString(subscription),
				"Authorization", "Bearer " + token, "Prefer", "return=representation");
	}

	private static String created(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return FHIR.newJsonParser().parseResource(Subscription.class, response.body()).getIdElement().toUnqualifiedVersionless().getValue();
	}

	private void awaitActive(String subscriptionId) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
		while (Instant.now().isBefore(deadline)) {
			if (client.read().resource(Subscription.class).withId(subscriptionId).execute().getStatus() == Subscription.SubscriptionStatus.ACTIVE) {
				return;
			}
			Thread.sleep(200);
		}
		throw new AssertionError(subscriptionId + " did not become active");
	}
}
