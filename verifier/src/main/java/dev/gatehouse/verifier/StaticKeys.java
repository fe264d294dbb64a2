package dev.gatehouse.verifier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.Map;

/** A fixed key set, e.g. a JWKS read from a file. Immutable. */
public final class StaticKeys implements VerificationKeys {
  private final Map<String, RSAPublicKey> byKid;

  public StaticKeys(JWKSet set) {
    this.byKid = rsaKeys(set);
  }

  static Map<String, RSAPublicKey> rsaKeys(JWKSet set) {
    Map<String, RSAPublicKey> m = new HashMap<>();
    for (JWK k : set.getKeys()) {
      if (k instanceof RSAKey r && r.getKeyID() != null) {
        try {
          RSAPublicKey pub = r.toRSAPublicKey();
          if (pub.getModulus().bitLength() >= 2048) {
            m.put(r.getKeyID(), pub);
          }
        } catch (JOSEException e) {
          // an unusable key is skipped, as if it were not published
        }
      }
    }
    return Map.copyOf(m);
  }

  @Override
  public RSAPublicKey appKey(String kid) {
    return byKid.get(kid);
  }

  @Override
  public RSAPublicKey consumerKey(String kid) {
    return byKid.get(kid);
  }

  @Override
  public boolean isPublished(String kid) {
    return byKid.containsKey(kid);
  }
}
