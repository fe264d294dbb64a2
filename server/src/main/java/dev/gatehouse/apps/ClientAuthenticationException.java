package dev.gatehouse.apps;

/** Client authentication failed (OAuth {@code invalid_client}). The message is safe to show the client. */
public final class ClientAuthenticationException extends RuntimeException {
  public ClientAuthenticationException(String message) {
    super(message, null, false, false);
  }
}
