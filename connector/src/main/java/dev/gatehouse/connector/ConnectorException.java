package dev.gatehouse.connector;

/** A call that did not succeed: the server could not be reached, or refused, after the retries allowed. */
public class ConnectorException extends RuntimeException {
  public ConnectorException(String message, Throwable cause) {
    super(message, cause);
  }
}
