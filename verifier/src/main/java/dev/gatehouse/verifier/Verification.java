package dev.gatehouse.verifier;

/**
 * The outcome of verifying one request's two headers: either the {@link Identity} of the app and
 * the consumer it acts for, or a {@link Rejection} that says why, with its Send API error code.
 */
public sealed interface Verification permits Identity, Rejection {
  /** True for an {@link Identity}. */
  default boolean verified() {
    return this instanceof Identity;
  }
}
