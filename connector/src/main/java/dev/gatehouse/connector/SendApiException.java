package dev.gatehouse.connector;

/**
 * The Send API (or Sentinel, the IDP, the Domain API) answered with an error: its HTTP status, the
 * Send API {@code errorCode} when the body has one (40102 and the like; 0 when not), and the body
 * as received.
 */
public final class SendApiException extends ConnectorException {
  private final int status;
  private final int errorCode;
  private final String body;

  SendApiException(String what, int status, int errorCode, String body, Throwable cause) {
    super(what + " answered " + status + (errorCode != 0 ? " (errorCode " + errorCode + ")" : "") + ": " + clip(body), cause);
    this.status = status;
    this.errorCode = errorCode;
    this.body = body;
  }

  private static String clip(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  public String body() {
    return body;
  }
}
