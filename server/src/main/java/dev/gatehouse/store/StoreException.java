package dev.gatehouse.store;

/** The store could not do what was asked (unreachable, broken, or refused the statement). */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
