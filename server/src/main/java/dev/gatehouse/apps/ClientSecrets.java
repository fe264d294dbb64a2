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
 * <p>An app with webhooks needs its secret itself (the signature is an HMAC keyed with it), so
 * this also seals a secret under the master key, bound to its client id, and opens it again.
 *
 * <p>Thread-safe.
 */
public final class ClientSecrets {
  private static final int SECRET_BYTES = 32;
  private final dev.gatehouse.keys.HmacSha256 pepper;
  private final SecureRandom random = new SecureRandom();
  private final dev.gatehouse.keys.MasterKey master;

  public ClientSecrets(dev.gatehouse.keys.MasterKey master) {
    this.master = master;
    this.pepper = new dev.gatehouse.keys.HmacSha256(master.derive("gatehouse/v1/client-secret-pepper"));
  }

  /** The secret of app {@code clientId}, sealed (AES-256-GCM under the master key, bound to the client id). */
  public String seal(ClientId clientId, String secret) {
    return master.seal(secret.getBytes(StandardCharsets.UTF_8), context(clientId));
  }

  /** @throws dev.gatehouse.keys.SealedValueException if it was not sealed for this client under this master key */
  public String open(ClientId clientId, String sealed) {
    return new String(master.open(sealed, context(clientId)), StandardCharsets.UTF_8);
  }

  private static String context(ClientId clientId) {
    return "gatehouse/v1/app-secret/" + clientId.value();
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
