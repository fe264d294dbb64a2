package dev.gatehouse.keys;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;

/**
 * The private key in this process's memory (sealed in the store at rest), signing through the
 * chosen JCA provider (ACCP or the JDK's). Each thread keeps one {@code Signature} initialised with
 * the key (JCA resets it after every {@code sign()}), which saves a provider lookup and a key
 * initialisation per token on the hot path. Thread-safe.
 */
final class SoftwareSigner implements Signer {
  private final PrivateKey key;
  private final Provider provider;
  private final String algorithm;
  private final ThreadLocal<Signature> signatures = ThreadLocal.withInitial(this::newSignature);

  SoftwareSigner(PrivateKey key, Provider provider, String jcaAlgorithm) {
    this.key = key;
    this.provider = provider;
    this.algorithm = jcaAlgorithm;
  }

  @Override
  public byte[] sign(byte[] input) throws SignerException {
    Signature s = signatures.get();
    try {
      s.update(input);
      return s.sign();
    } catch (java.security.SignatureException e) {
      signatures.remove(); // its state is unknown now
      throw new SignerException("software signature failed: " + e.getMessage(), false, e);
    }
  }

  private Signature newSignature() {
    try {
      Signature s = Signature.getInstance(algorithm, provider);
      s.initSign(key);
      return s;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with this key: " + e.getMessage(), e);
    }
  }

  @Override
  public String location() {
    return "software";
  }

  @Override
  public String toString() {
    return "SoftwareSigner[" + algorithm + ", key redacted]";
  }
}
