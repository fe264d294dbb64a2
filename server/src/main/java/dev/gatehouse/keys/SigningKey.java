package dev.gatehouse.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;

/**
 * A handle on one signing key: its {@code kid}, purpose, state and algorithm, the public JWK, and
 * the ability to sign and verify. The private key never leaves this object; {@code alg} and
 * {@code kid} of every JWS come from here, never from token code. RSA keys under 2048 bits are
 * refused; EC keys must be P-256.
 *
 * <p>Immutable and thread-safe.
 */
public final class SigningKey {
  public static final int MIN_BITS = 2048;
  private static final java.util.Base64.Encoder B64 = java.util.Base64.getUrlEncoder().withoutPadding();

  private final String kid;
  private final KeyPurpose purpose;
  private final KeyState state;
  private final Instant createdAt;
  private final Instant publishedAt;
  private final KeyAlgorithm algorithm;
  private final JWK publicJwk;
  private final PublicKey publicKey;
  private final String signingPrefix;
  private final Signer signer;
  private final JWSVerifier verifier;

  /** A key whose private half lives wherever {@code signer} keeps it; {@code provider} verifies. */
  SigningKey(
      String kid,
      KeyPurpose purpose,
      KeyState state,
      Instant createdAt,
      PublicKey publicKey,
      java.security.Provider provider,
      Instant publishedAt,
      Signer signer) {
    this.publishedAt = publishedAt;
    this.kid = kid;
    this.purpose = purpose;
    this.state = state;
    this.createdAt = createdAt;
    this.publicKey = publicKey;
    this.signer = signer;
    try {
      if (publicKey instanceof RSAPublicKey rsa) {
        if (rsa.getModulus().bitLength() < MIN_BITS) {
          throw new IllegalArgumentException(
              "RSA key " + kid + " has " + rsa.getModulus().bitLength() + " bits; at least " + MIN_BITS + " required");
        }
        this.algorithm = KeyAlgorithm.RS256;
        this.publicJwk = new RSAKey.Builder(rsa).keyID(kid).algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).build();
        RSASSAVerifier v = new RSASSAVerifier(rsa);
        v.getJCAContext().setProvider(provider);
        this.verifier = v;
      } else if (publicKey instanceof ECPublicKey ec) {
        if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
          throw new IllegalArgumentException("EC key " + kid + " is not on P-256");
        }
        this.algorithm = KeyAlgorithm.ES256;
        this.publicJwk = new ECKey.Builder(Curve.P_256, ec).keyID(kid).algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.SIGNATURE).build();
        this.verifier = new ECDSAVerifier(ec);
      } else {
        throw new IllegalArgumentException("key " + kid + " is neither RSA nor EC");
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("key " + kid + " is unusable: " + e.getMessage(), e);
    }
    // the documented header, member order included: {"kid":"appjwt-13-05-17","typ":"JWT","alg":"RS256"}
    this.signingPrefix = B64.encodeToString(("{\"kid\":\"" + kid + "\",\"typ\":\"JWT\",\"alg\":\"" + algorithm.name() + "\"}")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + ".";
  }

  SigningKey withState(KeyState s) {
    return new SigningKey(this, s);
  }

  private SigningKey(SigningKey k, KeyState s) {
    this.kid = k.kid;
    this.purpose = k.purpose;
    this.state = s;
    this.createdAt = k.createdAt;
    this.publishedAt = k.publishedAt;
    this.algorithm = k.algorithm;
    this.publicJwk = k.publicJwk;
    this.publicKey = k.publicKey;
    this.signingPrefix = k.signingPrefix;
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

  /** When the key first appeared in the JWKS; null if never. */
  public Instant publishedAt() {
    return publishedAt;
  }

  /** The public half only. */
  public JWK publicJwk() {
    return publicJwk;
  }

  /** The public key, for verifiers. */
  public PublicKey publicKey() {
    return publicKey;
  }

  public KeyAlgorithm algorithm() {
    return algorithm;
  }

  public int bits() {
    return publicJwk.size();
  }

  /**
   * Signs a JSON payload and returns the compact JWS ({@code header.payload.signature}, RFC 7515
   * §7.1) with the documented header.
   *
   * <p>Written out here rather than through Nimbus' signer, around the key's {@link Signer}. Tokens
   * are verified with Nimbus and with the JDK's own RSA in the tests.
   *
   * @throws IllegalStateException if the key is not {@code ACTIVE} or its signer fails for good
   * @throws SigningUnavailableException if its signer cannot sign right now (answered 503)
   */
  public String sign(String payloadJson) {
    if (state != KeyState.ACTIVE) {
      throw new IllegalStateException("key " + kid + " is " + state + " and does not sign");
    }
    String input = signingPrefix + B64.encodeToString(payloadJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    io.opentelemetry.api.trace.Span span = dev.gatehouse.tracing.Tracing.start("sign");
    if (span != null) {
      span.setAttribute("gatehouse.kid", kid).setAttribute("gatehouse.alg", algorithm.name());
    }
    try {
      byte[] sig = signer.sign(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      if (algorithm == KeyAlgorithm.ES256) { // JCA gives DER; JWS wants R || S (RFC 7518 §3.4)
        sig = ECDSA.transcodeSignatureToConcat(sig, 64);
      }
      return input + "." + B64.encodeToString(sig);
    } catch (SignerException e) {
      if (e.isTransient()) {
        throw new SigningUnavailableException("key " + kid + " (" + signer.location() + ") cannot sign right now: " + e.getMessage(), e);
      }
      throw new IllegalStateException("signing with " + kid + " failed", e);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with " + kid + " failed", e);
    } finally {
      dev.gatehouse.tracing.Tracing.end(span);
    }
  }

  /** Where the private key lives ({@link Signer#location()}). */
  public String signerLocation() {
    return signer.location();
  }

  /**
   * Checks a parsed JWS' signature with this key; false also if the key is no longer published or
   * the JWS names another algorithm than the key's (no algorithm confusion).
   */
  public boolean verifies(JWSObject jws) {
    if (!state.published() || !algorithm.jws.equals(jws.getHeader().getAlgorithm())) {
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
    return "SigningKey[" + kid + " " + purpose + " " + state + " " + (algorithm == KeyAlgorithm.RS256 ? "RSA-" + bits() : "ES256") + "]";
  }
}
