package dev.gatehouse.keys;

/** A key cannot sign right now (its signer reported a transient failure): the request is answered 503, not 500. */
public final class SigningUnavailableException extends RuntimeException {
  public SigningUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
