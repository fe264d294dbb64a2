package dev.gatehouse.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit root secret of a deployment. Everything secret at rest (signing keys, the per-account
 * consumer-id keys) is sealed under a key derived from it with AES-256-GCM; the pepper that app
 * secrets are hashed with is derived from it too. Every node of a deployment must share it.
 *
 * <p>Sealed values are {@code version(1) | nonce(12) | ciphertext+tag}, base64url, and are bound to
 * a context string (the AAD) so a sealed value cannot be moved to another row or purpose.
 *
 * <p>Thread-safe. {@link #toString()} never shows key material.
 */
public final class MasterKey {
  public static final int LENGTH = 32;
  private static final byte VERSION = 1;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final byte[] root;
  private final SecretKeySpec sealingKey;
  private final SecureRandom random = new SecureRandom();

  private MasterKey(byte[] root) {
    this.root = root.clone();
    this.sealingKey = new SecretKeySpec(derive("gatehouse/v1/sealing"), "AES");
  }

  /** @throws IllegalArgumentException if the key is not exactly 32 bytes */
  public static MasterKey of(byte[] root) {
    if (root == null || root.length != LENGTH) {
      throw new IllegalArgumentException(
          "master key must be " + LENGTH + " bytes, got " + (root == null ? "none" : root.length));
    }
    return new MasterKey(root);
  }

  /** Parses base64 (standard or url-safe, padding optional) text holding 32 bytes. */
  public static MasterKey parse(String text) {
    String t = text.trim();
    byte[] raw;
    try {
      raw = t.contains("+") || t.contains("/") ? Base64.getDecoder().decode(t) : Base64.getUrlDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("master key is not base64: " + e.getMessage());
    }
    return of(raw);
  }

  public static MasterKey generate() {
    byte[] b = new byte[LENGTH];
    new SecureRandom().nextBytes(b);
    return new MasterKey(b);
  }

  /** The base64url text form, for writing the key file once. */
  public String encoded() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(root);
  }

  /** A 32-byte subkey for one labelled purpose (HMAC-SHA256 of the label, i.e. HKDF-Expand, one block). */
  public byte[] derive(String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(root, "HmacSHA256"));
      mac.update(label.getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(new byte[] {1});
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public String seal(byte[] plaintext, String context) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, sealingKey, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext);
      byte[] out = new byte[1 + NONCE + ct.length];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE);
      System.arraycopy(ct, 0, out, 1 + NONCE, ct.length);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * @throws SealedValueException if the value is damaged, was sealed under another master key, or
   *     belongs to another context
   */
  public byte[] open(String sealed, String context) {
    byte[] in;
    try {
      in = Base64.getUrlDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new SealedValueException("sealed value for " + context + " is not base64url");
    }
    if (in.length < 1 + NONCE + TAG_BITS / 8 || in[0] != VERSION) {
      throw new SealedValueException("sealed value for " + context + " has an unknown format");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, sealingKey, new GCMParameterSpec(TAG_BITS, in, 1, NONCE));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(in, 1 + NONCE, in.length - 1 - NONCE);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SealedValueException(
          "cannot open the sealed value for " + context + ": wrong master key or damaged data");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MasterKey m && Arrays.equals(root, m.root);
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return "MasterKey[redacted]";
  }
}
