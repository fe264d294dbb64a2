package dev.gatehouse.consumers;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * An account's secret for deriving {@code lp_consumer_id}: lowercase hex of HMAC-SHA256(key, UTF-8
 * ext_consumer_id). The same account and external id map to the same id on every node and after
 * every restart, with no lookup, and the id reveals nothing about the external id.
 *
 * <p>Thread-safe. Never prints the key.
 */
public final class ConsumerIdKey {
  public static final int LENGTH = 32;
  private final dev.gatehouse.keys.HmacSha256 key;

  public ConsumerIdKey(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new IllegalArgumentException("consumer id key must be " + LENGTH + " bytes, got " + raw.length);
    }
    this.key = new dev.gatehouse.keys.HmacSha256(raw);
  }

  /**
   * @throws IllegalArgumentException for a string with a lone surrogate: it has no UTF-8 encoding,
   *     and the lenient encoder's {@code ?} would give it another string's id
   */
  public LpConsumerId derive(String extConsumerId) {
    if (dev.gatehouse.verifier.UnicodeText.loneSurrogate(extConsumerId) >= 0) {
      throw new IllegalArgumentException("ext_consumer_id holds an unpaired surrogate; it must be Unicode text");
    }
    return new LpConsumerId(HexFormat.of().formatHex(key.mac(extConsumerId.getBytes(StandardCharsets.UTF_8))));
  }

  @Override
  public String toString() {
    return "ConsumerIdKey[redacted]";
  }
}
