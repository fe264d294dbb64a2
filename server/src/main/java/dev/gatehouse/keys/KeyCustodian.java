package dev.gatehouse.keys;

import java.security.PublicKey;

/**
 * Where the private halves of signing keys live and who makes them: today the store itself, sealed
 * under the master key ({@link SealedKeys}), or a PKCS#11 token ({@link Pkcs11Keys}). {@link KeyVault}
 * asks its custodian for a new key and for a {@link Signer} of a stored one; the ring, rotation,
 * JWKS and verification only ever see {@link SigningKey}s and never know which custodian made them.
 *
 * <p>Each stored key names its custodian ({@link #location()}, the {@code custody} column), so a
 * store can hold keys of two custodians while it moves from one to the other: the old keys sign and
 * verify until rotation retires them, new keys are made by the custodian the node runs with.
 *
 * <p>A cloud key service (AWS KMS, GCP Cloud KMS, Vault transit) fits the same shape as a module of
 * its own: {@link #make} creates the key there (an asymmetric signing key, RSA_2048 / EC_P256) and
 * returns its public key, {@link #open} returns a {@link Signer} that calls the service's sign
 * operation with the key's name ({@code kms:arn:...} as the location), {@link #available()} reflects
 * the last call. Nothing in the ring changes; the module registers a {@code --key-store} value.
 *
 * <p>Implementations are thread-safe.
 */
public interface KeyCustodian {
  /** What this custodian is called in the store and in logs: {@code software}, {@code pkcs11:LABEL}. Never a secret. */
  String location();

  /** A key just made: its public half and what the store keeps about its private half (null: nothing). */
  record Made(PublicKey publicKey, Signer signer, String sealedPrivateKey) {}

  /**
   * Makes a new key pair for {@code kid}; the private half stays with the custodian.
   *
   * @param binding what a sealed private key is bound to (kid, purpose, algorithm and public key),
   *     computed from the public key by {@code binding}
   */
  Made make(String kid, KeyPurpose purpose, KeyAlgorithm algorithm, int bits, java.util.function.Function<PublicKey, String> binding);

  /**
   * A signer for a stored key of this custodian.
   *
   * @throws IllegalStateException when the key cannot be found or opened
   */
  Signer open(StoredSigningKey stored, PublicKey publicKey, String binding);

  /** Whether keys of this custodian can sign now (a token that is away or logged out: false). */
  default boolean available() {
    return true;
  }

  /** The kids of this custodian's keys the ring now holds (not retired); the others need no attention. */
  default void retain(java.util.Set<String> kids) {}
}
