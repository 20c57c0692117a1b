package org.consentfhir.auth.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.consentfhir.auth.RevocationList;
import org.consentfhir.interceptors.auth.RevokedTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Spring Authorization Server's authorization store, made to reach the FHIR endpoint: an access
 * token it invalidates (revocation at {@code /oauth2/revoke}, the library's own answer to a replayed
 * authorization code) or that leaves with a removed authorization goes on the {@link RevocationList};
 * a refresh token that is invalidated takes every access token of its authorization ("family") with it.
 *
 * <p>And what the library does not do (OAuth 2.0 Security BCP, section 4.14.2): it forgets a refresh
 * token once rotated, so a replayed one is merely unknown. This store remembers rotated refresh tokens
 * (their hashes) and, when one comes back, revokes the whole family: the current refresh token and
 * every access token the authorization was given. Like the store it wraps, it remembers in memory.
 */
final class RevokingAuthorizationService implements OAuth2AuthorizationService {

	private static final Logger log = LoggerFactory.getLogger(RevokingAuthorizationService.class);

	private record Issued(String tokenHash, Instant expiresAt) {}

	private final OAuth2AuthorizationService delegate;
	private final RevocationList revocations;
	/** Hash of a rotated refresh token → the id of its authorization. */
	private final Cache<String, String> rotatedRefreshTokens;
	/** Authorization id → every access token it was given, the current one included. */
	private final Cache<String, List<Issued>> families;

	RevokingAuthorizationService(OAuth2AuthorizationService delegate, RevocationList revocations, Duration refreshTokenTtl) {
		this.delegate = delegate;
		this.revocations = revocations;
		this.rotatedRefreshTokens = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(refreshTokenTtl).build();
		this.families = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(refreshTokenTtl).build();
	}

	@Override
	public synchronized void save(OAuth2Authorization authorization) {
		OAuth2Authorization before = delegate.findById(authorization.getId());
		rememberAccessToken(authorization);
		rememberRotatedRefreshToken(before, authorization);
		delegate.save(authorization);
		if (newlyInvalidated(before == null ? null : before.getRefreshToken(), authorization.getRefreshToken())) {
			revokeFamily(authorization.getId());
		} else if (newlyInvalidated(before == null ? null : before.getAccessToken(), authorization.getAccessToken())) {
			revoke(authorization.getAccessToken());
		}
	}

	@Override
	public synchronized void remove(OAuth2Authorization authorization) {
		delegate.remove(authorization);
		revokeFamily(authorization.getId());
	}

	@Override
	public OAuth2Authorization findById(String id) {
		return delegate.findById(id);
	}

	@Override
	public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
		OAuth2Authorization found = delegate.findByToken(token, tokenType);
		if (found == null && (tokenType == null || OAuth2TokenType.REFRESH_TOKEN.equals(tokenType))) {
			String replayedFamily = rotatedRefreshTokens.getIfPresent(RevokedTokens.hash(token));
			if (replayedFamily != null) {
				replayed(replayedFamily);
			}
		}
		return found == null ? null : withRevocationsApplied(found, token);
	}

	/**
	 * An access token the list refuses (its user disabled, its client removed, revoked through
	 * another node) is shown invalidated, so that introspection and {@code /userinfo} agree with
	 * the FHIR endpoint. Not saved: the list is the record.
	 */
	private OAuth2Authorization withRevocationsApplied(OAuth2Authorization found, String token) {
		OAuth2Authorization.Token<OAuth2AccessToken> access = found.getAccessToken();
		if (access == null || access.isInvalidated() || !token.equals(access.getToken().getTokenValue())) {
			return found;
		}
		Object clientId = access.getClaims() == null ? null : access.getClaims().get("client_id");
		RevokedTokens.Candidate candidate = new RevokedTokens.Candidate(RevokedTokens.hash(token), found.getPrincipalName(),
				clientId == null ? null : clientId.toString(), access.getToken().getIssuedAt());
		return revocations.refusal(candidate).isEmpty() ? found : OAuth2Authorization.from(found).invalidate(access.getToken()).build();
	}

	/** A rotated refresh token came back: whoever holds it or its successor is not to be trusted. */
	private synchronized void replayed(String authorizationId) {
		OAuth2Authorization authorization = delegate.findById(authorizationId);
		log.warn("A rotated refresh token of authorization {} was used again; revoking every token of it", authorizationId);
		if (authorization != null) {
			OAuth2Authorization.Builder invalidated = OAuth2Authorization.from(authorization);
			if (authorization.getRefreshToken() != null) {
				invalidated.invalidate(authorization.getRefreshToken().getToken());
			}
			if (authorization.getAccessToken() != null) {
				invalidated.invalidate(authorization.getAccessToken().getToken());
			}
			delegate.save(invalidated.build());
		}
		revokeFamily(authorizationId);
	}

	private void rememberAccessToken(OAuth2Authorization authorization) {
		OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
		if (access == null) {
			return;
		}
		Issued issued = new Issued(RevokedTokens.hash(access.getToken().getTokenValue()), access.getToken().getExpiresAt());
		families.asMap().compute(authorization.getId(), (id, known) -> {
			List<Issued> all = known == null ? new ArrayList<>() : new ArrayList<>(known);
			if (!all.contains(issued)) {
				all.add(issued);
			}
			all.removeIf(old -> old.expiresAt() != null && old.expiresAt().isBefore(Instant.now().minus(Duration.ofHours(1))));
			return List.copyOf(all);
		});
	}

	private void rememberRotatedRefreshToken(OAuth2Authorization before, OAuth2Authorization after) {
		OAuth2Authorization.Token<OAuth2RefreshToken> old = before == null ? null : before.getRefreshToken();
		OAuth2Authorization.Token<OAuth2RefreshToken> current = after.getRefreshToken();
		if (old != null && (current == null
				|| !Objects.equals(old.getToken().getTokenValue(), current.getToken().getTokenValue()))) {
			rotatedRefreshTokens.put(RevokedTokens.hash(old.getToken().getTokenValue()), after.getId());
		}
	}

	private void revokeFamily(String authorizationId) {
		List<Issued> family = families.getIfPresent(authorizationId);
		if (family != null) {
			family.forEach(issued -> revocations.revokeToken(issued.tokenHash(), issued.expiresAt()));
		}
	}

	private void revoke(OAuth2Authorization.Token<OAuth2AccessToken> access) {
		revocations.revokeToken(RevokedTokens.hash(access.getToken().getTokenValue()), access.getToken().getExpiresAt());
	}

	private static boolean newlyInvalidated(OAuth2Authorization.Token<?> before, OAuth2Authorization.Token<?> after) {
		if (after == null || !after.isInvalidated()) {
			return false;
		}
		return before == null || !before.isInvalidated()
				|| !Objects.equals(before.getToken().getTokenValue(), after.getToken().getTokenValue());
	}
}
