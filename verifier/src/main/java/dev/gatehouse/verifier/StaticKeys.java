package dev.gatehouse.verifier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.Map;

/** A fixed key set, e.g. a JWKS read from a file. Immutable. */
public final class StaticKeys implements VerificationKeys {
  private final Map<String, PublicKey> byKid;

  public StaticKeys(JWKSet set) {
    this.byKid = usableKeys(set);
  }

  /** The usable signing keys of a set: RSA of 2048 bits or more, EC on P-256; others are skipped. */
  static Map<String, PublicKey> usableKeys(JWKSet set) {
    Map<String, PublicKey> m = new HashMap<>();
    for (JWK k : set.getKeys()) {
      if (k.getKeyID() == null) {
        continue;
      }
      try {
        if (k instanceof RSAKey r) {
          RSAPublicKey pub = r.toRSAPublicKey();
          if (pub.getModulus().bitLength() >= 2048) {
            m.put(r.getKeyID(), pub);
          }
        } else if (k instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
          m.put(ec.getKeyID(), ec.toECPublicKey());
        }
      } catch (JOSEException e) {
        // an unusable key is skipped, as if it were not published
      }
    }
    return Map.copyOf(m);
  }

  @Override
  public PublicKey appKey(String kid) {
    return byKid.get(kid);
  }

  @Override
  public PublicKey consumerKey(String kid) {
    return byKid.get(kid);
  }

  @Override
  public boolean isPublished(String kid) {
    return byKid.containsKey(kid);
  }
}
