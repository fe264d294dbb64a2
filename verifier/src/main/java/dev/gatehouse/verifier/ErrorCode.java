package dev.gatehouse.verifier;

/**
 * The Send API's authorization failures: each is a {@code 401} whose body carries this {@code
 * errorCode} and {@code title}. Clients are told to act on the code.
 */
public enum ErrorCode {
  /** The brand (account) id is missing, or a mandatory AppJWT claim is missing or wrong. */
  MISSING_PARAMETER(40001, "Missing parameter"),
  /** The AppJWT is expired or invalid: the client must fetch a fresh one. */
  INVALID_APP_JWT(40102, "Invalid AppJWT"),
  /** The ConsumerJWS is invalid, or belongs to another account. */
  INVALID_CONSUMER_JWS(40103, "Invalid ConsumerJWS"),
  /** No {@code X-LP-ON-BEHALF} header. */
  CONSUMER_JWS_MISSING(40104, "ConsumerJWS is missing"),
  /** No {@code Authorization} header. */
  APP_JWT_MISSING(40105, "AppJWT is missing");

  private final int code;
  private final String title;

  ErrorCode(int code, String title) {
    this.code = code;
    this.title = title;
  }

  /** The numeric {@code errorCode}, e.g. 40102. */
  public int code() {
    return code;
  }

  /** The documented {@code title}, e.g. "Invalid AppJWT". */
  public String title() {
    return title;
  }
}
