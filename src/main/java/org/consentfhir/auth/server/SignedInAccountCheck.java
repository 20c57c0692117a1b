package org.consentfhir.auth.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Instant;
import org.consentfhir.auth.RevocationList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The account behind a browser session, checked again at the authorization endpoint on every
 * request: a sign-in is only a moment, and a user disabled since (on any node: the account and the
 * {@link RevocationList} are in the database) must get no new code through the session they still
 * hold. Such a session is ended and the request goes on signed out, so the browser is sent to the
 * sign-in page, where the account is refused.
 */
final class SignedInAccountCheck extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(SignedInAccountCheck.class);

	private final UserAccounts accounts;
	private final RevocationList revocations;

	SignedInAccountCheck(UserAccounts accounts, RevocationList revocations) {
		this.accounts = accounts;
		this.revocations = revocations;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"/oauth2/authorize".equals(request.getRequestURI()) && !request.getRequestURI().startsWith("/launch/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication user = SecurityContextHolder.getContext().getAuthentication();
		if (user != null && user.getPrincipal() instanceof UserAccount account && !stillValid(account, request.getSession(false))) {
			log.info("Ended the browser session of {}: the account was disabled after they signed in", account.username());
			HttpSession session = request.getSession(false);
			if (session != null) {
				session.invalidate();
			}
			SecurityContextHolder.clearContext();
		}
		chain.doFilter(request, response);
	}

	private boolean stillValid(UserAccount account, HttpSession session) {
		if (!accounts.find(account.username()).map(UserAccount::enabled).orElse(false)) {
			return false;
		}
		// a session older than the account's last disabling was signed in before it (even if enabled again since)
		Instant sessionStart = session == null ? Instant.EPOCH : Instant.ofEpochMilli(session.getCreationTime());
		return revocations.subjectRevokedAt(account.username()).map(sessionStart::isAfter).orElse(true);
	}
}
