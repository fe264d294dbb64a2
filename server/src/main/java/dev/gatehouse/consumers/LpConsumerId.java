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

  /**
   * The 32 bytes an lp id is the lowercase hex of: how the store keeps it (half the size in its
   * index, and byte order is the same as the text's order). @throws IllegalArgumentException if
   * the text is not an lp id
   */
  public static byte[] toBytes(String value) {
    if (!isValid(value)) {
      throw new IllegalArgumentException("lp_consumer_id must be 64 lowercase hex characters");
    }
    return java.util.HexFormat.of().parseHex(value);
  }

  /** The lp id whose bytes these are ({@link #toBytes}); @throws IllegalArgumentException unless 32 bytes */
  public static String fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != 32) {
      throw new IllegalArgumentException("an lp_consumer_id is 32 bytes");
    }
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /**
   * 64 bits that stand for this consumer on that account, for fixed-size tables of who was seen:
   * an lp id is the hex of an HMAC, so its first 16 characters are evenly spread; the account is
   * mixed in. Never 0 (0 marks an empty slot).
   */
  public static long fingerprint(String accountId, String lp) {
    long h = Long.parseUnsignedLong(lp, 0, 16, 16) ^ accountId.hashCode() * 0x9E37_79B9_7F4A_7C15L;
    return h == 0 ? 1 : h;
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
