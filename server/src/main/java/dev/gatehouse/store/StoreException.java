package dev.gatehouse.store;

/**
 * The store could not do what was asked (unreachable, broken, or refused the statement), or is
 * {@link #busy}: its write queue is full, nothing was written and the caller may try again
 * shortly. A busy store is not a failure, so HTTP answers it 503 with {@code Retry-After} and logs
 * no error per request (a flood of writes would otherwise flood the log too).
 */
public final class StoreException extends RuntimeException {
  private final boolean busy;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
    this.busy = false;
  }

  private StoreException(String message) {
    super(message, null, false, false);
    this.busy = true;
  }

  /** The write queue is full: nothing was written. */
  static StoreException busy(String message) {
    return new StoreException(message);
  }

  /** Whether this is a full write queue rather than a failure: nothing was written, try again shortly. */
  public boolean busy() {
    return busy;
  }
}
