package dev.gatehouse.apps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Generates app secrets and hashes them for storage. Secrets are 256 random bits, so a slow
 * password hash buys nothing: they are stored as HMAC-SHA256 under a server-side pepper (derived
 * from the master key), which a stolen database alone cannot test guesses against. Comparison is
 * constant-time.
 *
 * <p>Thread-safe.
 */
public final class ClientSecrets {
  private static final int SECRET_BYTES = 32;
  private final dev.gatehouse.keys.HmacSha256 pepper;
  private final SecureRandom random = new SecureRandom();

  public ClientSecrets(byte[] pepper) {
    if (pepper.length < 32) {
      throw new IllegalArgumentException("pepper must be at least 32 bytes, got " + pepper.length);
    }
    this.pepper = new dev.gatehouse.keys.HmacSha256(pepper);
  }

  /** A new secret: 43 characters of base64url, no padding (safe unencoded in a query string). */
  public String generate() {
    byte[] b = new byte[SECRET_BYTES];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public String hash(String secret) {
    return HexFormat.of().formatHex(pepper.mac(secret.getBytes(StandardCharsets.UTF_8)));
  }

  public boolean matches(String secret, String storedHash) {
    byte[] given = hash(secret).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, storedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
