package dev.gatehouse.keys;

import java.time.Instant;

/**
 * A signing key as it is stored: the public half as a JWK, its state and the instants that drive
 * its rotation, and where its private half lives ({@code custody}: {@code software}, the private half
 * sealed under the master key in {@code sealedPrivateKey}; or {@code pkcs11:LABEL}, the private half
 * inside that token and {@code sealedPrivateKey} null). Nothing here is secret in the clear.
 */
public record StoredSigningKey(
    String kid,
    KeyPurpose purpose,
    KeyState state,
    String algorithm,
    String publicJwk,
    String sealedPrivateKey,
    Instant createdAt,
    Instant publishedAt,
    Instant activateAt,
    Instant retireAt,
    String custody) {

  /** A software key (sealed under the master key). */
  public StoredSigningKey(String kid, KeyPurpose purpose, KeyState state, String algorithm, String publicJwk, String sealedPrivateKey,
      Instant createdAt, Instant publishedAt, Instant activateAt, Instant retireAt) {
    this(kid, purpose, state, algorithm, publicJwk, sealedPrivateKey, createdAt, publishedAt, activateAt, retireAt, SealedKeys.LOCATION);
  }

  @Override
  public String toString() {
    return "StoredSigningKey[" + kid + " " + purpose + " " + state + " " + algorithm + "]";
  }
}
