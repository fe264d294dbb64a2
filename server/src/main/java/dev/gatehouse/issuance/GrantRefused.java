package dev.gatehouse.issuance;

/**
 * A grant refused, as a value: what kind of refusal (the OAuth error it becomes, RFC 6749 §5.2 and
 * RFC 6750 §3.1) and a description for the client that names what is wrong and never holds a
 * secret or a whole token. {@code http} turns it into a response in one place.
 */
public record GrantRefused(Reason reason, String description, java.time.Duration retryAfter)
    implements AppTokenGrant.Result, ConsumerTokenGrant.Authorization, ConsumerTokenGrant.Result {

  public GrantRefused(Reason reason, String description) {
    this(reason, description, null);
  }

  /** The kinds of refusal, each one HTTP status and error code. */
  public enum Reason {
    /** 401 {@code invalid_client}: unknown client, wrong secret, disabled app. */
    INVALID_CLIENT,
    /** 400 {@code invalid_scope}: a scope the app was not granted. */
    INVALID_SCOPE,
    /** 401 {@code invalid_token}: the AppJWT is missing, malformed, badly signed, expired, or its app is gone or disabled. */
    INVALID_TOKEN,
    /** 403 {@code insufficient_scope}: a good AppJWT for another account or without the needed scope. */
    INSUFFICIENT_SCOPE,
    /** 403 {@code access_denied}: the consumer is revoked. */
    ACCESS_DENIED,
    /** 400 {@code invalid_request}: a value of the request breaks its rule. */
    INVALID_REQUEST,
    /** 503 {@code temporarily_unavailable}: this node's view is too old to decide on. */
    TEMPORARILY_UNAVAILABLE,
    /** 429: too many failed attempts from this address; {@link #retryAfter} says when to try again. */
    TOO_MANY_ATTEMPTS
  }

  static GrantRefused of(Reason reason, String description) {
    return new GrantRefused(reason, description);
  }
}
