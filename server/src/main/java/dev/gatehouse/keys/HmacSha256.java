package dev.gatehouse.keys;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 (RFC 2104) under one key, with a {@code Mac} initialised once per thread ({@code
 * doFinal} resets it), for the hot paths that hash with a fixed key: client secrets, consumer ids.
 *
 * <p>Thread-safe. Never prints the key.
 */
public final class HmacSha256 {
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  /** @throws IllegalArgumentException for a key under 32 bytes */
  public HmacSha256(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("HMAC-SHA256 key must be at least 32 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key, "HmacSHA256");
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

  public byte[] mac(byte[] data) {
    return macs.get().doFinal(data);
  }

  @Override
  public String toString() {
    return "HmacSha256[redacted]";
  }
}
