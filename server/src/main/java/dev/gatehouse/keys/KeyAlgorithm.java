package dev.gatehouse.keys;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * The JWS algorithm of a signing key. RS256 is the documented format and the default. ES256
 * (ECDSA P-256) is a departure for operators who control both ends: every verifier must accept
 * it; it signs about ten times faster.
 */
public enum KeyAlgorithm {
  RS256(JWSAlgorithm.RS256, "RSA", "SHA256withRSA"),
  ES256(JWSAlgorithm.ES256, "EC", "SHA256withECDSA");

  final JWSAlgorithm jws;
  final String keyType;
  final String signature;

  KeyAlgorithm(JWSAlgorithm jws, String keyType, String signature) {
    this.jws = jws;
    this.keyType = keyType;
    this.signature = signature;
  }

  public JWSAlgorithm jws() {
    return jws;
  }

  /** Whether signing the same payload twice gives the same signature (RSA PKCS#1 v1.5 does; ECDSA is randomised). */
  public boolean deterministic() {
    return this == RS256;
  }
}
