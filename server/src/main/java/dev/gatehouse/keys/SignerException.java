package dev.gatehouse.keys;

/**
 * A signature that could not be made: transient (the signer may succeed again soon: a token that
 * is away, a timeout; clients get 503) or not (a key that is gone or unusable).
 */
public final class SignerException extends Exception {
  private final boolean transientFailure;

  public SignerException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
