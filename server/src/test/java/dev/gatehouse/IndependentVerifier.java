package dev.gatehouse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * Verifies an RS256 or ES256 JWS against a JWKS with the JDK's own {@code Signature} and nothing of Nimbus
 * or of the server, so our tokens are checked by a second implementation (RFC 7515 §5.2, RFC 7518
 * §3.3).
 */
public final class IndependentVerifier {
  private IndependentVerifier() {}

  public static boolean verifies(String jws, String jwksJson) {
    try {
      String[] parts = jws.split("\\.");
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      String alg = header.getString("alg");
      if (!"RS256".equals(alg) && !"ES256".equals(alg)) {
        return false;
      }
      JsonArray keys = new JsonObject(jwksJson).getJsonArray("keys");
      for (int i = 0; i < keys.size(); i++) {
        JsonObject k = keys.getJsonObject(i);
        if (!header.getString("kid").equals(k.getString("kid"))) {
          continue;
        }
        PublicKey pub;
        Signature s;
        if ("ES256".equals(alg)) { // RFC 7518 §3.4: the signature is R || S, which "P1363" format reads as is
          java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC", "SunEC");
          p.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
          java.security.spec.ECPoint w = new java.security.spec.ECPoint(
              new BigInteger(1, Base64.getUrlDecoder().decode(k.getString("x"))), new BigInteger(1, Base64.getUrlDecoder().decode(k.getString("y"))));
          pub = KeyFactory.getInstance("EC", "SunEC").generatePublic(
              new java.security.spec.ECPublicKeySpec(w, p.getParameterSpec(java.security.spec.ECParameterSpec.class)));
          s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        } else {
          BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(k.getString("n")));
          BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(k.getString("e")));
          pub = KeyFactory.getInstance("RSA", "SunRsaSign").generatePublic(new RSAPublicKeySpec(n, e));
          s = Signature.getInstance("SHA256withRSA", "SunRsaSign");
        }
        s.initVerify(pub);
        s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return s.verify(Base64.getUrlDecoder().decode(parts[2]));
      }
      return false;
    } catch (Exception e) {
      throw new AssertionError("cannot verify: " + e, e);
    }
  }
}
