package dev.gatehouse.consumers;

import java.util.regex.Pattern;

/** The platform's stable id of one consumer on one account: 64 lowercase hex characters. */
public record LpConsumerId(String value) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** Whether the text is an lp id: 64 lowercase hex characters (the one statement of that rule). */
  public static boolean isValid(String value) {
    return value != null && value.length() == 64 && HEX64.matcher(value).matches();
  }

  public LpConsumerId {
    if (!isValid(value)) {
      throw new IllegalArgumentException("lp_consumer_id must be 64 lowercase hex characters");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
