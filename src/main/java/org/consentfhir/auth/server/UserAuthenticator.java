package org.consentfhir.auth.server;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Checks a username and password against {@link UserAccounts}, for the login page and the password
 * grant alike: a disabled account is refused, and {@code maxFailures} wrong passwords in a row lock
 * the account for {@code lockDuration} (right passwords too are refused while it is locked). The
 * authenticated principal is the {@link UserAccount}. Each attempt is audited ({@link SignInAudit})
 * with the real reason it failed, but the caller is told the same for every failure (unknown user,
 * wrong password, disabled, locked) after the same work (one password hash check), so the sign-in
 * page and the password grant cannot be used to find out which accounts exist or are locked.
 */
public class UserAuthenticator implements AuthenticationProvider {

	private final UserAccounts accounts;
	private final PasswordEncoder encoder;
	private final int maxFailures;
	private final Duration lockDuration;
	private final Clock clock;
	private final String unknownUserHash;
	private SignInAudit audit;

	public UserAuthenticator(UserAccounts accounts, PasswordEncoder encoder, int maxFailures, Duration lockDuration, Clock clock) {
		this.accounts = accounts;
		this.encoder = encoder;
		this.maxFailures = maxFailures;
		this.lockDuration = lockDuration;
		this.clock = clock;
		this.unknownUserHash = encoder.encode(java.util.UUID.randomUUID().toString());
	}

	/** Every later sign-in, good or bad, is put on the record through this. */
	void auditWith(SignInAudit audit) {
		this.audit = audit;
	}

	/** What every failed sign-in is told. */
	static final String FAILED = "Bad username or password";

	@Override
	public Authentication authenticate(Authentication authentication) {
		try {
			Authentication result = check(authentication);
			if (audit != null) {
				audit.succeeded(authentication.getName());
			}
			return result;
		} catch (org.springframework.security.core.AuthenticationException e) {
			if (audit != null) {
				audit.failed(authentication.getName(), e.getMessage());
			}
			throw new BadCredentialsException(FAILED);
		}
	}

	/** @throws org.springframework.security.core.AuthenticationException saying the real reason, for the audit trail only */
	private Authentication check(Authentication authentication) {
		String username = authentication.getName();
		String password = String.valueOf(authentication.getCredentials());
		UserAccount account = accounts.find(username).orElse(null);
		String hash = account == null ? unknownUserHash : accounts.passwordHash(username).orElse(unknownUserHash);
		boolean rightPassword = encoder.matches(password, hash); // the same work whatever the account's state
		if (account == null) {
			throw new BadCredentialsException("Unknown username");
		}
		if (!account.enabled()) {
			throw new DisabledException("This account is disabled");
		}
		if (account.lockedAt(clock.instant())) {
			throw new LockedException("This account is locked after repeated failed sign-ins");
		}
		if (!rightPassword) {
			accounts.recordFailure(username, maxFailures, clock.instant().plus(lockDuration));
			throw new BadCredentialsException("Wrong password");
		}
		accounts.recordSuccess(username);
		return authenticated(account);
	}

	static UsernamePasswordAuthenticationToken authenticated(UserAccount account) {
		return UsernamePasswordAuthenticationToken.authenticated(
				account, null, List.of(new SimpleGrantedAuthority("ROLE_" + account.role().name())));
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}
}
