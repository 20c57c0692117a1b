package org.consentfhir.interceptors;

/**
 * The order of every interceptor of this server, in one place. HAPI calls hooks of the same
 * pointcut from the lowest order to the highest; HAPI's own interceptors use order 0.
 */
public final class InterceptorOrder {

	/** Who is calling is settled first: an unauthenticated request goes no further. */
	public static final int AUTHENTICATION = -1100;

	/** A device's token is honoured only while its Device is active. */
	public static final int DEVICE_STATUS = -1090;

	/** A client over its request budget is turned away once it is known who it is. */
	public static final int CLIENT_RATE_LIMIT = -1050;

	/** A query-filtered scope's filter joins the search once the token is known. */
	public static final int SCOPE_FILTER_NARROWING = -1040;

	/** A damaged upload (digest mismatch) is refused before anything looks at what it says. */
	public static final int UPLOAD_DIGEST = -1010;

	/** Unsafe request bodies are refused before anything else looks at them. */
	public static final int REQUEST_BODY_GUARD = -1000;

	/** Searches too large to run, or with paging parameters that are not numbers, are refused with the body guard. */
	public static final int SEARCH_LIMITS = -990;

	/** HTTP status mapping for the FHIR specification; it only rewrites outgoing errors. */
	public static final int HTTP_CONFORMANCE = 900;

	/** The audit trail is immutable: refused before any other storage hook does work. */
	public static final int AUDIT_IMMUTABILITY = -500;

	/**
	 * A conditional request's criteria are narrowed to what the caller may see once the token is
	 * known (after {@link #AUTHENTICATION}) and, in a transaction, once HAPI's authorization
	 * interceptor (order 200) has let the request in.
	 */
	public static final int CONDITIONAL_MATCH_NARROWING = 250;

	/**
	 * The stored target of an operation HAPI's consent interceptor skips ($meta) is checked as a read,
	 * after the scope rules and after a conditional request's criteria are narrowed.
	 */
	public static final int OPERATION_TARGET_CONSENT = 260;

	/**
	 * A read of a record that does not exist is answered as one of a hidden record, before the
	 * status mapping of outgoing errors ({@link #HTTP_CONFORMANCE}).
	 */
	public static final int NO_SUCH_RECORD = 265;

	/** A consent-limited caller's Patient search is narrowed to the patients who may admit them, as HAPI registers it. */
	public static final int PERMITTED_PATIENTS_NARROWING = 280;

	/** Who may read and write AuditEvents, once the scope rules have let the request in. */
	public static final int AUDIT_EVENT_ACCESS = 270;

	/**
	 * A reference written as a search that HAPI resolved to a record the caller may not see is
	 * answered as no match before consent's write check (order {@link #CONSENT_WRITE}) would name it.
	 */
	public static final int SEARCH_REFERENCE_TARGETS = 90;

	/** Patient consent for writes, once authentication and the SMART rules have let the request through. */
	public static final int CONSENT_WRITE = 100;

	/**
	 * The audit trail records what was shown, so it runs after HAPI's consent interceptor (order 100)
	 * has removed what the caller may not see.
	 */
	public static final int AUDIT_CAPTURE = 1000;

	/** Conformance to declared profiles is checked after any policy has let a write through. */
	public static final int PROFILE_VALIDATION = 500;

	/**
	 * Identifiers of systems the server knows are checked after profile validation, so a resource that
	 * claims a profile gets the validator's full list of problems first.
	 */
	public static final int KNOWN_IDENTIFIERS = 510;

	/** A Patient gets its global id before profile validation checks the id's form. */
	public static final int GLOBAL_PATIENT_ID = 400;

	/** A reading in the wrong unit is refused before storage, after the policy has let the write through. */
	public static final int VITAL_SIGN_UNITS = 200;

	/**
	 * Alerts are written once consent has allowed the reading (order 100) and before the audit
	 * and subscription matching see the transaction's end.
	 */
	public static final int ALERTING = 300;

	/** A Subscription's endpoint and headers are checked, and its subscriber stamped, once the policy has let the write through. */
	public static final int SUBSCRIPTION_WRITE = 520;

	/** A notification is withheld unless its subscriber may read what matched; HAPI's own delivery hooks use order 0. */
	public static final int SUBSCRIPTION_DELIVERY = 0;

	/**
	 * A search of one patient's records is made synchronous once the input guards have checked its paging
	 * parameters and the search is parsed; its page's {@code next} link is put back after consent's
	 * outgoing check.
	 */
	public static final int ONE_PATIENT_SEARCH = 300;

	/** A synchronous page is counted as it is shown, before consent (HAPI's order 100) withholds anything. */
	public static final int ONE_PATIENT_SEARCH_PAGE = 50;

	private InterceptorOrder() {}
}
