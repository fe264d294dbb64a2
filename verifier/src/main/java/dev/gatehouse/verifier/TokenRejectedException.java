package dev.gatehouse.verifier;

/** A single token was refused; {@link #rejection()} says why, with its Send API error code. */
public final class TokenRejectedException extends Exception {
  private final Rejection rejection;

  public TokenRejectedException(Rejection rejection) {
    super(rejection.details(), null, false, false);
    this.rejection = rejection;
  }

  public Rejection rejection() {
    return rejection;
  }
}
