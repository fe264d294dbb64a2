package dev.gatehouse.consumers;

/**
 * The connector's own id for a consumer ({@code ext_consumer_id}): 1-256 characters, any text.
 * It may be personal data (a phone number), so it is never logged.
 */
public final class ExtConsumerId {
  public static final int MAX_LENGTH = 256;

  private ExtConsumerId() {}

  /** @return null if valid, else what is wrong with it */
  public static String problem(String value) {
    if (value.isEmpty()) {
      return "ext_consumer_id is empty";
    }
    int chars = value.codePointCount(0, value.length());
    if (chars > MAX_LENGTH) {
      return "ext_consumer_id is " + chars + " characters long; at most " + MAX_LENGTH + " allowed";
    }
    return null;
  }
}
