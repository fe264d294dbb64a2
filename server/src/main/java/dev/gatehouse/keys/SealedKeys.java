package dev.gatehouse.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Software keys: generated in this process, the private half sealed under the {@link MasterKey}
 * (AES-256-GCM) before it touches the store and opened into memory when loaded. The seal is bound
 * to what {@link KeyVault} passes as the binding (kid, purpose, algorithm and the public key's
 * thumbprint), so a sealed key cannot be moved to another row, ring or public key. Keys sealed by
 * earlier versions (bound to the kid only) open once under the old binding and are sealed anew.
 * Thread-safe.
 */
final class SealedKeys implements KeyCustodian {
  private static final Logger LOG = LoggerFactory.getLogger(SealedKeys.class);
  static final String LOCATION = "software";

  private final MasterKey masterKey;
  private final CryptoProvider crypto;
  private final SigningKeyRepository repository;
  private final java.util.Queue<KeyPair> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();

  SealedKeys(MasterKey masterKey, CryptoProvider crypto, SigningKeyRepository repository) {
    this.masterKey = masterKey;
    this.crypto = crypto;
    this.repository = repository;
  }

  void addSpare(KeyPair pair) {
    spare.add(pair);
  }

  @Override
  public String location() {
    return LOCATION;
  }

  @Override
  public Made make(String kid, KeyPurpose purpose, KeyAlgorithm algorithm, int bits, Function<PublicKey, String> binding) {
    KeyPair spareOne = spare.poll();
    KeyPair pair = spareOne != null && spareOne.getPublic().getAlgorithm().equals(algorithm.keyType)
        ? spareOne : KeyVault.generate(crypto, algorithm, bits);
    String sealed = masterKey.seal(pair.getPrivate().getEncoded(), binding.apply(pair.getPublic()));
    return new Made(pair.getPublic(), new SoftwareSigner(pair.getPrivate(), crypto.provider(), algorithm.signature), sealed);
  }

  @Override
  public Signer open(StoredSigningKey s, PublicKey pub, String binding) {
    if (s.sealedPrivateKey() == null) {
      throw new IllegalStateException("stored signing key " + s.kid() + " has no sealed private key");
    }
    byte[] pkcs8;
    try {
      pkcs8 = masterKey.open(s.sealedPrivateKey(), binding);
    } catch (SealedValueException bound) {
      // sealed before the binding covered purpose, algorithm and public key: open it the old way
      // (bound to the kid only) and seal it anew, once
      pkcs8 = masterKey.open(s.sealedPrivateKey(), "signing-key/" + s.kid());
      repository.reseal(s.kid(), s.sealedPrivateKey(), masterKey.seal(pkcs8, binding));
      LOG.info("signing key {} sealed anew, bound to its purpose, algorithm and public key", s.kid());
    }
    try {
      PrivateKey priv = KeyFactory.getInstance(pub.getAlgorithm(), crypto.provider()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      return new SoftwareSigner(priv, crypto.provider(), KeyAlgorithm.valueOf(s.algorithm()).signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored signing key " + s.kid() + " is unreadable: " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(pkcs8, (byte) 0);
    }
  }
}
