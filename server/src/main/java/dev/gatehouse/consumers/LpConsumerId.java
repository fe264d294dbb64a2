package dev.gatehouse.consumers;

/** The platform's stable id of one consumer on one account: 64 lowercase hex characters. */
public record LpConsumerId(String value) {
  /** Whether the text is an lp id: 64 lowercase hex characters (the one statement of that rule). */
  public static boolean isValid(String value) {
    if (value == null || value.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) { // by hand: every ConsumerJWS issued makes one
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
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
