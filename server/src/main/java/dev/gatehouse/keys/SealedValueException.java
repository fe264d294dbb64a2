package dev.gatehouse.keys;

/** A sealed value could not be opened: wrong master key, damaged data, or the wrong context. */
public final class SealedValueException extends RuntimeException {
  public SealedValueException(String message) {
    super(message);
  }
}
