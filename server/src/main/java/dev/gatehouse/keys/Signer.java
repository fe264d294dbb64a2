package dev.gatehouse.keys;

/**
 * A private key that signs: the seam between the key ring, which knows kids, states, dates and the
 * JWKS, and the place the private half lives. {@link SigningKey} holds one and asks it for
 * signatures; nothing else of the ring, rotation, JWKS or verification knows which it is.
 *
 * <p>Today: {@link SoftwareSigner}, the key sealed in the store and opened into this process's
 * memory. The shape is what a hardware or cloud signer needs too: a PKCS#11 token (the key
 * generated inside it, found by its label and id), or an AWS KMS / GCP KMS / Vault transit key (the
 * key's ARN or name), each a class implementing this interface in a module of its own, chosen by
 * {@code --key-store}, with the store keeping the public key, state and dates and a reference to
 * the key instead of sealed private material. Such a signer only has to sign the bytes it is given
 * (JCA's {@code SHA256withRSA} or {@code SHA256withECDSA}, DER) and say whether a failure may pass
 * (a timeout, a token away: {@link SignerException#isTransient()}, answered 503) or will not.
 *
 * <p>Implementations are thread-safe.
 */
public interface Signer {
  /**
   * Signs {@code input}: RSASSA-PKCS1-v1_5 with SHA-256 for RS256, ECDSA with SHA-256 (DER) for
   * ES256.
   *
   * @throws SignerException when it cannot sign now ({@link SignerException#isTransient()}) or ever
   */
  byte[] sign(byte[] input) throws SignerException;

  /** Where the private key lives, for logs and health, never a secret: {@code software}, {@code pkcs11:LABEL}, ... */
  String location();
}
