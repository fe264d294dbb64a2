package dev.gatehouse.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;

/**
 * A handle on one RSA signing key: its {@code kid}, purpose and state, the public JWK, and the
 * ability to sign and verify. The private key never leaves this object; {@code alg} and {@code kid}
 * of every JWS come from here, never from token code.
 *
 * <p>Immutable and thread-safe (Nimbus' RSASSA signer and verifier are).
 */
public final class SigningKey {
  public static final int MIN_BITS = 2048;

  private final String kid;
  private final KeyPurpose purpose;
  private final KeyState state;
  private final Instant createdAt;
  private final RSAKey publicJwk;
  private final RSAPublicKey publicKey;
  private final String signingPrefix;
  private final PrivateKey privateKey;
  private final java.security.Provider provider;
  private final ThreadLocal<java.security.Signature> signatures;
  private final RSASSAVerifier verifier;

  SigningKey(
      String kid,
      KeyPurpose purpose,
      KeyState state,
      Instant createdAt,
      RSAPublicKey publicKey,
      PrivateKey privateKey,
      java.security.Provider provider) {
    if (publicKey.getModulus().bitLength() < MIN_BITS) {
      throw new IllegalArgumentException(
          "RSA key " + kid + " has " + publicKey.getModulus().bitLength() + " bits; at least " + MIN_BITS + " required");
    }
    this.kid = kid;
    this.purpose = purpose;
    this.state = state;
    this.createdAt = createdAt;
    this.publicJwk =
        new RSAKey.Builder(publicKey)
            .keyID(kid)
            .algorithm(JWSAlgorithm.RS256)
            .keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
            .build();
    this.publicKey = publicKey;
    // the documented header, member order included: {"kid":"appjwt-13-05-17","typ":"JWT","alg":"RS256"}
    this.signingPrefix = B64.encodeToString(("{\"kid\":\"" + kid + "\",\"typ\":\"JWT\",\"alg\":\"RS256\"}")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + ".";
    this.privateKey = privateKey;
    this.provider = provider;
    this.signatures = ThreadLocal.withInitial(this::newSignature);
    new RSASSASigner(privateKey); // Nimbus' own checks on the key (RSA, usable for RS256)
    this.verifier = new RSASSAVerifier(publicKey);
    this.verifier.getJCAContext().setProvider(provider);
  }

  SigningKey withState(KeyState s) {
    return new SigningKey(this, s);
  }

  private SigningKey(SigningKey k, KeyState s) {
    this.kid = k.kid;
    this.purpose = k.purpose;
    this.state = s;
    this.createdAt = k.createdAt;
    this.publicJwk = k.publicJwk;
    this.publicKey = k.publicKey;
    this.signingPrefix = k.signingPrefix;
    this.privateKey = k.privateKey;
    this.provider = k.provider;
    this.signatures = ThreadLocal.withInitial(this::newSignature);
    this.verifier = k.verifier;
  }

  public String kid() {
    return kid;
  }

  public KeyPurpose purpose() {
    return purpose;
  }

  public KeyState state() {
    return state;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** The public half only. */
  public RSAKey publicJwk() {
    return publicJwk;
  }

  /** The public key, for verifiers. */
  public RSAPublicKey publicKey() {
    return publicKey;
  }

  public int bits() {
    return publicJwk.size();
  }

  /**
   * Signs a JSON payload and returns the compact JWS ({@code header.payload.signature}, RFC 7515
   * §7.1) with the documented header.
   *
   * <p>Written out here rather than through Nimbus' signer: each thread keeps one {@code
   * Signature} initialised with this key (JCA resets it after every {@code sign()}), which saves a
   * provider lookup and a key initialisation per token on the hot path. Tokens are verified with
   * Nimbus and with the JDK's own RSA in the tests.
   *
   * @throws IllegalStateException if the key is not {@code ACTIVE} or the provider fails
   */
  public String sign(String payloadJson) {
    if (state != KeyState.ACTIVE) {
      throw new IllegalStateException("key " + kid + " is " + state + " and does not sign");
    }
    String input = signingPrefix + B64.encodeToString(payloadJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.security.Signature s = signatures.get();
    try {
      s.update(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(s.sign());
    } catch (java.security.SignatureException e) {
      signatures.remove(); // its state is unknown now
      throw new IllegalStateException("signing with " + kid + " failed", e);
    }
  }

  private java.security.Signature newSignature() {
    try {
      java.security.Signature s = java.security.Signature.getInstance("SHA256withRSA", provider);
      s.initSign(privateKey);
      return s;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + kid + ": " + e.getMessage(), e);
    }
  }

  private static final java.util.Base64.Encoder B64 = java.util.Base64.getUrlEncoder().withoutPadding();

  /** Checks a parsed JWS' signature with this key; false also if the key is no longer published. */
  public boolean verifies(JWSObject jws) {
    if (!state.published()) {
      return false;
    }
    try {
      return jws.verify(verifier);
    } catch (JOSEException | IllegalStateException e) {
      return false;
    }
  }

  JWSVerifier verifier() {
    return verifier;
  }

  @Override
  public String toString() {
    return "SigningKey[" + kid + " " + purpose + " " + state + " RSA-" + bits() + "]";
  }
}
