package dev.gatehouse.keys;

import java.time.Instant;

/**
 * What may be told about a signing key outside {@code keys}: its kid, ring, state, algorithm,
 * dates and where its private half lives ({@code software}, {@code pkcs11:LABEL}). No private key material, sealed or not.
 */
public record SigningKeyInfo(String kid, KeyPurpose purpose, KeyState state, String algorithm, Instant createdAt, Instant publishedAt,
    Instant activateAt, Instant retireAt, String location) {

  static SigningKeyInfo of(StoredSigningKey k) {
    return new SigningKeyInfo(k.kid(), k.purpose(), k.state(), k.algorithm(), k.createdAt(), k.publishedAt(), k.activateAt(), k.retireAt(), k.custody());
  }
}
