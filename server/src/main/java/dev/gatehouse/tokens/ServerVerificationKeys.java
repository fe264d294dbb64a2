package dev.gatehouse.tokens;

import dev.gatehouse.keys.KeyRing;
import dev.gatehouse.keys.SigningKey;
import dev.gatehouse.keys.SigningKeys;
import dev.gatehouse.verifier.VerificationKeys;
import java.security.PublicKey;

/**
 * The verifier library's key source inside the server: the server's own rings, read directly.
 * Unlike a JWKS it knows which ring a kid belongs to, so an AppJWT signed with a ConsumerJWS key
 * (or the other way round) is refused. Thread-safe; no I/O.
 */
public final class ServerVerificationKeys implements VerificationKeys {
  private final SigningKeys keys;

  public ServerVerificationKeys(SigningKeys keys) {
    this.keys = keys;
  }

  @Override
  public PublicKey appKey(String kid) {
    return key(keys.rings().app(), kid);
  }

  @Override
  public PublicKey consumerKey(String kid) {
    return key(keys.rings().consumer(), kid);
  }

  @Override
  public boolean isPublished(String kid) {
    return keys.rings().app().published(kid).isPresent() || keys.rings().consumer().published(kid).isPresent();
  }

  private static PublicKey key(KeyRing ring, String kid) {
    return ring.published(kid).map(SigningKey::publicKey).orElse(null);
  }
}
