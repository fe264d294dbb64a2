package dev.gatehouse.verifier;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Issues tokens shaped like Gatehouse's, with keys the test controls. */
final class TestIssuer {
  record Key(String kid, KeyPair pair) {
    RSAKey jwk() {
      return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyID(kid).algorithm(JWSAlgorithm.RS256).build();
    }
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Key key(String kid) {
    return new Key(kid, rsa());
  }

  static JWKSet jwks(Key... keys) {
    List<JWK> l = new ArrayList<>();
    for (Key k : keys) {
      l.add(k.jwk());
    }
    return new JWKSet(l);
  }

  static String sign(Key key, Map<String, Object> claims) {
    return sign(key.kid(), new RSASSASigner(key.pair().getPrivate()), JWSAlgorithm.RS256, claims);
  }

  static String sign(String kid, JWSSigner signer, JWSAlgorithm alg, Map<String, Object> claims) {
    try {
      JWSObject o = new JWSObject(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(),
          new Payload(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(claims)));
      o.sign(signer);
      return o.serialize();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, Object> appClaims(String account, long iat) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("aud", account);
    c.put("azp", "75588e18-0213-4e33-8174-883acac7e3c4");
    c.put("scope", "msg.consumer");
    c.put("iss", "Sentinel");
    c.put("exp", iat + 3600);
    c.put("iat", iat);
    return c;
  }

  static Map<String, Object> consumerClaims(String account, String ext) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("account_id", account);
    c.put("ext_consumer_id", ext);
    c.put("lp_consumer_id", "29caf0c11486996d9387e3a44ec34229d127304db4966d7752716bceb538fa24");
    return c;
  }
}
