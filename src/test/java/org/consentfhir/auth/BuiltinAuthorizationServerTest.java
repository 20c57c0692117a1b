package org.consentfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import org.consentfhir.testsupport.EndToEndTest;
import org.consentfhir.testsupport.OAuth;
import org.consentfhir.testsupport.OAuth.Reply;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in authorization server's grants, users and their rules, through real HTTP. */
class BuiltinAuthorizationServerTest extends EndToEndTest {

	private OAuth oauth;

	@BeforeEach
	void connect() {
		oauth = new OAuth(url(""));
	}

	@Test
	void adminClientGetsATokenForThisServerButNoClinicalData() throws Exception {
		Reply reply = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "system/Practitioner.cruds");
		String token = reply.text("access_token");

		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getAudience()).containsExactly(baseUrl());
		assertThat(getWithToken("/fhir/Practitioner?_count=1", token).statusCode()).isEqualTo(200);
		assertThat(getWithToken("/fhir/Patient?_count=1", token).statusCode()).isEqualTo(403);
	}

	@Test
	void refusesAWrongClientSecret() {
		assertThat(oauth.clientCredentials(ADMIN_CLIENT_ID, "wrong", "client.read").status()).isEqualTo(401);
	}

	@Test
	void aPatientUserGetsTheirOwnPatientContextAndScopesCutToTheirRole() {
		String patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		String username = unique("pat");
		String password = oauth.createUser(username, "patient", "Patient/" + patient);

		Reply reply = oauth.password(username, password, "launch/patient patient/*.cruds user/*.cruds");

		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.text("patient")).isEqualTo(patient);
		assertThat(reply.text("scope")).contains("patient/*.cruds").doesNotContain("user/");
		assertThat(getWithToken("/fhir/Patient/" + patient, reply.text("access_token")).statusCode()).isEqualTo(200);
	}

	@Test
	void locksAnAccountAfterFiveFailedSignIns() {
		String username = unique("lock");
		String password = oauth.createUser(username, "nurse", "Practitioner/n1");
		for (int i = 0; i < 5; i++) {
			assertThat(oauth.password(username, "Wrong-Password-1", "user/*.rs").status()).isEqualTo(400);
		}

		Reply reply = oauth.password(username, password, "user/*.rs");

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.text("error")).isEqualTo("invalid_grant");
		// the same answer as a wrong password: a lockout is not to tell anyone that the account exists
		assertThat(reply.text("error_description")).isEqualTo(oauth.password(username, "Wrong-Password-1", "user/*.rs").text("error_description"));
	}

	@Test
	void administratorsChangesToUsersAndClientsAreAudited() {
		String username = unique("adm");
		oauth.createUser(username, "nurse", null);
		assertThat(oauth.json("POST", "/admin/users/" + username + "/disable", oauth.adminToken(), null).status()).isEqualTo(200);
		String registrationToken = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.create").text("access_token");
		OAuth.Reply registered = oauth.json("POST", "/connect/register", registrationToken, """
				{"client_name":"Short-lived","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic",
				 "scope":"system/Practitioner.rs","redirect_uris":["https://unused.example"]}""");
		String clientId = registered.text("client_id");
		assertThat(oauth.json("DELETE", "/admin/clients/" + clientId, oauth.adminToken(), null).status()).isEqualTo(204);

		java.util.List<org.hl7.fhir.r4.model.AuditEvent> changes = client.search()
				.byUrl("AuditEvent?type=http://dicom.nema.org/resources/ontology/DCM|110137&_count=500")
				.returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry().stream()
				.map(e -> (org.hl7.fhir.r4.model.AuditEvent) e.getResource())
				.filter(e -> java.util.Set.of(username, clientId).contains(e.getEntityFirstRep().getWhat().getIdentifier().getValue()))
				.toList();

		assertThat(changes).extracting(org.hl7.fhir.r4.model.AuditEvent::getOutcomeDesc)
				.containsExactlyInAnyOrder("user created with role nurse", "user disabled, and their tokens and sessions ended",
						"client registered at /connect/register with scope system/Practitioner.rs", "client removed, and its tokens revoked");
		assertThat(changes).allSatisfy(e -> assertThat(e.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo(ADMIN_CLIENT_ID));
	}

	@Test
	void aRegistrationReadBackIsAudited() {
		String registrationToken = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.create").text("access_token");
		OAuth.Reply registered = oauth.json("POST", "/connect/register", registrationToken, """
				{"client_name":"Read back","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic",
				 "scope":"system/Practitioner.rs","redirect_uris":["https://unused.example"]}""");
		String clientId = registered.text("client_id");

		OAuth.Reply read = oauth.json("GET", "/connect/register?client_id=" + clientId, registered.text("registration_access_token"), null);

		assertThat(read.status()).as(read.body()).isEqualTo(200);
		assertThat(read.text("client_id")).isEqualTo(clientId);
		java.util.List<org.hl7.fhir.r4.model.AuditEvent> reads = client.search()
				.byUrl("AuditEvent?type=http://terminology.hl7.org/CodeSystem/audit-event-type|rest"
						+ "&subtype=http://hl7.org/fhir/restful-interaction|read&_sort=-date&_count=200")
				.returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry().stream()
				.map(e -> (org.hl7.fhir.r4.model.AuditEvent) e.getResource())
				.filter(e -> clientId.equals(e.getEntityFirstRep().getWhat().getIdentifier().getValue()))
				.toList();
		assertThat(reads).singleElement().satisfies(e -> {
			assertThat(e.getAction()).isEqualTo(org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.R);
			assertThat(e.getOutcomeDesc()).isEqualTo("client registration read at /connect/register");
			assertThat(e.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo(clientId);
		});
	}

	@Test
	void signInsSuccessesFailuresAndLockoutsAreAudited() {
		String username = unique("aud");
		String password = oauth.createUser(username, "nurse", null);
		oauth.password(username, password, "user/*.rs");
		for (int i = 0; i < 6; i++) {
			oauth.password(username, "Wrong-Password-1", "user/*.rs");
		}

		java.util.List<org.hl7.fhir.r4.model.AuditEvent> signIns = client.search()
				.byUrl("AuditEvent?type=http://dicom.nema.org/resources/ontology/DCM|110114&_count=500")
				.returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry().stream()
				.map(e -> (org.hl7.fhir.r4.model.AuditEvent) e.getResource())
				.filter(e -> username.equals(e.getAgentFirstRep().getWho().getIdentifier().getValue()))
				.toList();

		assertThat(signIns).hasSize(7);
		assertThat(signIns).filteredOn(e -> e.getOutcome() == org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome._0).hasSize(1);
		assertThat(signIns).anyMatch(e -> e.getOutcomeDesc().contains("locked"));
	}

	@Test
	void aDisabledUsersRefreshTokenIsRefused() {
		String username = unique("dis");
		String password = oauth.createUser(username, "doctor", "Practitioner/d1");
		Reply first = oauth.password(username, password, "offline_access user/*.rs");
		assertThat(first.text("refresh_token")).isNotNull();
		Reply refreshed = oauth.refresh(first.text("refresh_token"));
		assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);

		assertThat(oauth.json("POST", "/admin/users/" + username + "/disable", oauth.adminToken(), null).status()).isEqualTo(200);
		Reply afterDisable = oauth.refresh(refreshed.text("refresh_token"));

		assertThat(afterDisable.status()).isEqualTo(400);
		assertThat(afterDisable.text("error")).isEqualTo("invalid_grant");
	}

	@Test
	void refreshTokensRotateAndAUsedOneIsRefused() {
		String username = unique("rot");
		String password = oauth.createUser(username, "doctor", "Practitioner/d2");
		String original = oauth.password(username, password, "offline_access user/*.rs").text("refresh_token");

		Reply rotated = oauth.refresh(original);
		Reply reused = oauth.refresh(original);

		assertThat(rotated.text("refresh_token")).isNotNull().isNotEqualTo(original);
		assertThat(reused.status()).isEqualTo(400);
	}

	@Test
	void aRevokedRefreshTokenIsRefused() {
		String username = unique("rev");
		String password = oauth.createUser(username, "doctor", "Practitioner/d4");
		String refresh = oauth.password(username, password, "offline_access user/*.rs").text("refresh_token");

		Reply revoked = oauth.revoke("script-client", "Script-Secret-2026", refresh);
		Reply afterRevoke = oauth.refresh(refresh);

		assertThat(revoked.status()).isEqualTo(200);
		assertThat(afterRevoke.status()).isEqualTo(400);
		assertThat(afterRevoke.text("error")).isEqualTo("invalid_grant");
	}

	@Test
	void noRefreshTokenWithoutOfflineOrOnlineAccess() {
		String username = unique("nor");
		String password = oauth.createUser(username, "doctor", "Practitioner/d3");

		assertThat(oauth.password(username, password, "user/*.rs").text("refresh_token")).isNull();
	}

	@Test
	void refusesWeakPasswordsDuplicateUsersAndCallersWithoutTheAdminScope() {
		String admin = oauth.adminToken();
		String username = unique("weak");

		Reply weak = oauth.json("POST", "/admin/users", admin,
				"{\"username\":\"" + username + "\",\"password\":\"short\",\"role\":\"nurse\"}");
		assertThat(weak.status()).isEqualTo(400);
		assertThat(weak.body()).contains("OperationOutcome").contains("at least 12");

		oauth.createUser(username, "nurse", null);
		assertThat(oauth.json("POST", "/admin/users", admin,
						"{\"username\":\"" + username + "\",\"password\":\"Another-Good-Pw-9\",\"role\":\"nurse\"}").status())
				.isEqualTo(409);
		assertThat(oauth.json("POST", "/admin/users", admin, "{\"username\":\"x\"").status()).isEqualTo(400);
		assertThat(oauth.json("GET", "/admin/users", null, null).status()).isEqualTo(401);
		assertThat(oauth.json("GET", "/admin/users", "not-a-token", null).status()).isEqualTo(401);
		assertThat(oauth.json("GET", "/admin/users", systemToken, null).status()).isEqualTo(403);
		String noScope = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.read").text("access_token");
		assertThat(oauth.json("GET", "/admin/users", noScope, null).status()).isEqualTo(403);
		assertThat(oauth.json("GET", "/admin/users", admin, null).body()).contains(username);
	}

	@Test
	void aRefusedRegistrationSaysWhichTokenItNeeds() {
		String body = """
				{"client_name":"Reporting","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic",
				 "scope":"system/*.rs","redirect_uris":["https://unused.example"]}""";
		String manyScopes = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "users.manage client.create client.read")
				.text("access_token");
		Reply refused = oauth.json("POST", "/connect/register", manyScopes, body);
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.text("error")).isEqualTo("invalid_token");
		assertThat(refused.text("error_description")).contains("only scope is client.create").contains("registers one client");

		String once = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.create").text("access_token");
		assertThat(oauth.json("POST", "/connect/register", once, body).status()).isEqualTo(201);
		Reply again = oauth.json("POST", "/connect/register", once, body);
		assertThat(again.status()).isEqualTo(401);
		assertThat(again.text("error_description")).contains("already used for a registration");

		String otherScope = oauth.clientCredentials(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, "client.read").text("access_token");
		Reply forbidden = oauth.json("POST", "/connect/register", otherScope, body);
		assertThat(forbidden.status()).isEqualTo(403);
		assertThat(forbidden.text("error")).isEqualTo("insufficient_scope");
		assertThat(forbidden.text("error_description")).contains("only scope is client.create");
	}

	@Test
	void resetsAPasswordAndUnlocks() {
		String username = unique("reset");
		oauth.createUser(username, "nurse", null);
		for (int i = 0; i < 5; i++) {
			oauth.password(username, "Wrong-Password-1", "user/*.rs");
		}

		oauth.json("POST", "/admin/users/" + username + "/password", oauth.adminToken(), "{\"password\":\"Brand-New-Pw-42\"}");

		assertThat(oauth.password(username, "Brand-New-Pw-42", "user/*.rs").status()).isEqualTo(200);
	}
}
