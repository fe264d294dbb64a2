package dev.gatehouse.consumers;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An account's secret for deriving {@code lp_consumer_id}: lowercase hex of HMAC-SHA256(key, UTF-8
 * ext_consumer_id). The same account and external id map to the same id on every node and after
 * every restart, with no lookup, and the id reveals nothing about the external id.
 *
 * <p>Thread-safe. Never prints the key.
 */
public final class ConsumerIdKey {
  public static final int LENGTH = 32;
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public ConsumerIdKey(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new IllegalArgumentException("consumer id key must be " + LENGTH + " bytes, got " + raw.length);
    }
    this.key = new SecretKeySpec(raw, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public LpConsumerId derive(String extConsumerId) {
    Mac m = macs.get();
    byte[] h = m.doFinal(extConsumerId.getBytes(StandardCharsets.UTF_8)); // doFinal resets the Mac
    return new LpConsumerId(HexFormat.of().formatHex(h));
  }

  @Override
  public String toString() {
    return "ConsumerIdKey[redacted]";
  }
}
