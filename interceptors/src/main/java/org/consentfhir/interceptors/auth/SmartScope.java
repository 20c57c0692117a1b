package org.consentfhir.interceptors.auth;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR resource scope, v1 ({@code patient/Observation.read}, {@code user/*.write}) or
 * v2 ({@code patient/Observation.rs}, {@code system/Patient.r},
 * {@code patient/Observation.rs?category=vital-signs}), reduced to who it speaks for, which
 * resource type, which permissions and an optional search filter.
 *
 * @param context     whose data the scope reaches: one patient, what the user may reach, or the system
 * @param resourceType a resource type, or {@code *} for every type
 * @param permissions v2 letters; v1 {@code read} is {@code rs}, {@code write} is {@code cud}, {@code *} is all
 * @param filter      the query after {@code ?} (e.g. {@code category=vital-signs}), or null
 */
public record SmartScope(Context context, String resourceType, Set<Permission> permissions, String filter) {

	public static final String ANY_TYPE = "*";

	private static final Pattern SCOPE =
			Pattern.compile("^(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.([a-z*]+)(?:\\?(.+))?$");

	public enum Context {
		PATIENT,
		USER,
		SYSTEM
	}

	/** SMART v2 permissions, in the order the letters must appear. */
	public enum Permission {
		CREATE('c'),
		READ('r'),
		UPDATE('u'),
		DELETE('d'),
		SEARCH('s');

		private final char letter;

		Permission(char letter) {
			this.letter = letter;
		}

		public char letter() {
			return letter;
		}
	}

	public SmartScope {
		permissions = permissions.isEmpty() ? EnumSet.noneOf(Permission.class) : EnumSet.copyOf(permissions);
	}

	/**
	 * Parses one scope string; anything that is not a resource scope ({@code openid},
	 * {@code launch/patient}, a malformed one such as {@code patient/Observation.sr}) gives empty.
	 */
	public static Optional<SmartScope> parse(String scope) {
		Matcher m = SCOPE.matcher(scope);
		if (!m.matches()) {
			return Optional.empty();
		}
		Context context = Context.valueOf(m.group(1).toUpperCase());
		return permissionsOf(m.group(3))
				.map(permissions -> new SmartScope(context, m.group(2), permissions, m.group(4)));
	}

	private static Optional<Set<Permission>> permissionsOf(String text) {
		switch (text) {
			case "read":
				return Optional.of(EnumSet.of(Permission.READ, Permission.SEARCH));
			case "write":
				return Optional.of(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));
			case "*":
				return Optional.of(EnumSet.allOf(Permission.class));
			default:
				return v2Letters(text);
		}
	}

	/** v2 letters must be a non-empty subsequence of {@code cruds}, in that order. */
	private static Optional<Set<Permission>> v2Letters(String text) {
		Set<Permission> permissions = EnumSet.noneOf(Permission.class);
		int next = 0;
		Permission[] all = Permission.values();
		for (char letter : text.toCharArray()) {
			while (next < all.length && all[next].letter() != letter) {
				next++;
			}
			if (next == all.length) {
				return Optional.empty();
			}
			permissions.add(all[next++]);
		}
		return permissions.isEmpty() ? Optional.empty() : Optional.of(permissions);
	}

	public boolean allows(Permission permission) {
		return permissions.contains(permission);
	}

	public boolean coversType(String type) {
		return ANY_TYPE.equals(resourceType) || resourceType.equals(type);
	}

	public boolean isAnyType() {
		return ANY_TYPE.equals(resourceType);
	}

	/**
	 * The part of this scope that a ceiling scope also grants: same context, the narrower type,
	 * the common permissions, this scope's filter. Empty when nothing is left.
	 */
	public Optional<SmartScope> within(SmartScope ceiling) {
		if (context != ceiling.context || ceiling.filter != null && !ceiling.filter.equals(filter)) {
			return Optional.empty();
		}
		String type;
		if (ceiling.isAnyType()) {
			type = resourceType;
		} else if (isAnyType() || resourceType.equals(ceiling.resourceType)) {
			type = ceiling.resourceType;
		} else {
			return Optional.empty();
		}
		Set<Permission> common = EnumSet.copyOf(permissions);
		common.retainAll(ceiling.permissions);
		return common.isEmpty() ? Optional.empty() : Optional.of(new SmartScope(context, type, common, filter));
	}

	/** The scope written in SMART v2 form, e.g. {@code patient/Observation.rs?category=vital-signs}. */
	@Override
	public String toString() {
		StringBuilder letters = new StringBuilder();
		permissions.forEach(p -> letters.append(p.letter()));
		return context.name().toLowerCase() + "/" + resourceType + "." + letters + (filter == null ? "" : "?" + filter);
	}
}
