package dev.gatehouse.tokens;

/**
 * An AppJWT was refused. The message names what is wrong, for the client (RFC 6750 §3.1
 * {@code error_description}); it never contains the token.
 */
public final class TokenRejectedException extends RuntimeException {
  /** RFC 6750 §3.1 error codes. */
  public enum Reason {
    /** 401: missing, malformed, badly signed, expired, or its app disabled. */
    INVALID_TOKEN,
    /** 403: valid, but not for this account or without the needed scope. */
    INSUFFICIENT_SCOPE
  }

  private final Reason reason;

  public TokenRejectedException(Reason reason, String description) {
    super(description, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
