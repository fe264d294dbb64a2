package dev.gatehouse.keys;

import java.time.Instant;

/**
 * A signing key as it is stored: the public half as a JWK, the private half sealed under the
 * master key, its state and the instants that drive its rotation. Nothing here is secret in the
 * clear.
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
    Instant retireAt) {

  @Override
  public String toString() {
    return "StoredSigningKey[" + kid + " " + purpose + " " + state + " " + algorithm + "]";
  }
}
