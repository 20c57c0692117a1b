-- Tables of the built-in authorization server, created at start when missing (H2 and PostgreSQL).
-- oauth2_registered_client is Spring Authorization Server's own layout for JdbcRegisteredClientRepository.
CREATE TABLE IF NOT EXISTS oauth2_registered_client (
    id varchar(100) NOT NULL,
    client_id varchar(100) NOT NULL,
    client_id_issued_at timestamp DEFAULT CURRENT_TIMESTAMP NOT NULL,
    client_secret varchar(200) DEFAULT NULL,
    client_secret_expires_at timestamp DEFAULT NULL,
    client_name varchar(200) NOT NULL,
    client_authentication_methods varchar(1000) NOT NULL,
    authorization_grant_types varchar(1000) NOT NULL,
    redirect_uris varchar(1000) DEFAULT NULL,
    post_logout_redirect_uris varchar(1000) DEFAULT NULL,
    scopes varchar(1000) NOT NULL,
    client_settings varchar(2000) NOT NULL,
    token_settings varchar(2000) NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS fhir_auth_user (
    username varchar(100) NOT NULL,
    password_hash varchar(200) NOT NULL,
    role varchar(20) NOT NULL,
    fhir_user varchar(200),
    enabled boolean NOT NULL,
    failed_logins integer NOT NULL,
    locked_until timestamp,
    created_at timestamp NOT NULL,
    PRIMARY KEY (username)
);
-- The revocation list (see RevocationList): access tokens withdrawn before their expiry (by the
-- SHA-256 of the token, never the token), and users and clients whose tokens issued up to
-- revoked_at are refused. Every write moves counter 2 of fhir_policy_generation.
CREATE TABLE IF NOT EXISTS fhir_auth_revoked_token (
    token_hash varchar(64) NOT NULL,
    expires_at timestamp NOT NULL,
    revoked_at timestamp NOT NULL,
    PRIMARY KEY (token_hash)
);
CREATE TABLE IF NOT EXISTS fhir_auth_revoked_party (
    kind varchar(10) NOT NULL,
    name varchar(200) NOT NULL,
    revoked_at timestamp NOT NULL,
    PRIMARY KEY (kind, name)
);
