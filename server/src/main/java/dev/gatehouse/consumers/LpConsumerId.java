package dev.gatehouse.consumers;

import java.util.regex.Pattern;

/** The platform's stable id of one consumer on one account: 64 lowercase hex characters. */
public record LpConsumerId(String value) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public LpConsumerId {
    if (value == null || !HEX64.matcher(value).matches()) {
      throw new IllegalArgumentException("lp_consumer_id must be 64 lowercase hex characters");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
