package dev.gatehouse.verifier;

import java.security.PublicKey;

/**
 * Where the verifier finds public keys by {@code kid}: RSA (2048 bits or more) for RS256, EC P-256
 * for ES256. Implementations must be thread-safe and,
 * once warm, answer without network calls. A server that knows which key signs which token kind
 * can answer the two questions differently; a JWKS answers both from one set.
 */
public interface VerificationKeys {
  /** A key that may have signed an AppJWT, or null. May refresh its keys when the kid is unknown. */
  PublicKey appKey(String kid);

  /** A key that may have signed a ConsumerJWS, or null. May refresh its keys when the kid is unknown. */
  PublicKey consumerKey(String kid);

  /** Whether the key is still published, without refreshing: cached verdicts are dropped when not. */
  boolean isPublished(String kid);
}
