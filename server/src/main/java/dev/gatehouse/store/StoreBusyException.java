package dev.gatehouse.store;

/**
 * The store's write queue is full: nothing was written and the caller may try again shortly. Not
 * a failure of the store, so HTTP answers 503 with {@code Retry-After} and logs no error per
 * request (a flood of writes would otherwise flood the log too).
 */
public final class StoreBusyException extends RuntimeException {
  public StoreBusyException(String message) {
    super(message, null, false, false);
  }
}
