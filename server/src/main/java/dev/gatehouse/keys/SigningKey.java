package dev.gatehouse.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
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
  private final JWSHeader header;
  private final RSASSASigner signer;
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
    this.header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build();
    this.signer = new RSASSASigner(privateKey);
    this.signer.getJCAContext().setProvider(provider);
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
    this.header = k.header;
    this.signer = k.signer;
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
   * Signs a JSON payload and returns the compact JWS ({@code header.payload.signature}).
   *
   * @throws IllegalStateException if the key is not {@code ACTIVE} or the provider fails
   */
  public String sign(String payloadJson) {
    if (state != KeyState.ACTIVE) {
      throw new IllegalStateException("key " + kid + " is " + state + " and does not sign");
    }
    JWSObject jws = new JWSObject(header, new Payload(payloadJson));
    try {
      jws.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with " + kid + " failed", e);
    }
    return jws.serialize();
  }

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
