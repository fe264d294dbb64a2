package dev.gatehouse.keys;

import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, seals and loads signing keys. The only place private key bytes exist outside a {@link
 * SigningKey}: they are generated here, sealed under the {@link MasterKey} before they touch the
 * store, and opened here when loading. The seal (AES-256-GCM) is bound to the kid, the purpose,
 * the algorithm and the RFC 7638 thumbprint of the public key, so a sealed key cannot be moved to
 * another row, ring or public key in the store. Every key loaded passes a sign/verify self-test
 * with its public half before it is used. Keys sealed by earlier versions (bound to the kid only)
 * open once under the old binding and are sealed anew.
 *
 * <p>Kids follow the documented pattern {@code appjwt-DD-MM-YY} (the day the key was made, UTC), with
 * {@code -2}, {@code -3}... when more keys are made on one day. Kids are unique across both rings,
 * since one JWKS publishes them all.
 *
 * <p>Thread-safe; creation races between nodes are settled by the store's unique kid.
 */
public final class KeyVault {
  private static final Logger LOG = LoggerFactory.getLogger(KeyVault.class);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd-MM-yy").withZone(ZoneOffset.UTC);
  public static final Set<Integer> ALLOWED_BITS = Set.of(2048, 3072, 4096);

  private final SigningKeyRepository repository;
  private final MasterKey masterKey;
  private final CryptoProvider crypto;
  private final int bits;
  private final KeyAlgorithm algorithm;
  private final Clock clock;
  private final java.util.Queue<KeyPair> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * @param algorithm of new keys: RS256 (RSA of {@code bits}) or ES256 (P-256); existing keys keep theirs
   */
  public KeyVault(SigningKeyRepository repository, MasterKey masterKey, CryptoProvider crypto, KeyAlgorithm algorithm, int bits, Clock clock) {
    if (!ALLOWED_BITS.contains(bits)) {
      throw new IllegalArgumentException("RSA key size must be one of " + ALLOWED_BITS + ", got " + bits);
    }
    this.repository = repository;
    this.masterKey = masterKey;
    this.crypto = crypto;
    this.algorithm = algorithm;
    this.bits = bits;
    this.clock = clock;
  }

  /** The stored keys, for listing. */
  public List<StoredSigningKey> stored() {
    return repository.findAll();
  }

  /** Loads both rings, creating an active key for a ring that has none (first start). */
  public KeyRings loadOrCreate() {
    List<StoredSigningKey> stored = repository.findAll();
    List<SigningKey> app = new ArrayList<>();
    List<SigningKey> consumer = new ArrayList<>();
    for (StoredSigningKey s : stored) {
      (s.purpose() == KeyPurpose.APP_TOKEN ? app : consumer).add(open(s));
    }
    if (app.stream().noneMatch(k -> k.state() == KeyState.ACTIVE)) {
      app.add(create(KeyPurpose.APP_TOKEN, KeyState.ACTIVE));
    }
    if (consumer.stream().noneMatch(k -> k.state() == KeyState.ACTIVE)) {
      consumer.add(create(KeyPurpose.CONSUMER_TOKEN, KeyState.ACTIVE));
    }
    return new KeyRings(new KeyRing(KeyPurpose.APP_TOKEN, app), new KeyRing(KeyPurpose.CONSUMER_TOKEN, consumer));
  }

  /** A key pair made ahead of time, held opaque: its private half never leaves this package. */
  public static final class Spare {
    private final KeyPair pair;

    private Spare(KeyPair pair) {
      this.pair = pair;
    }

    @Override
    public String toString() {
      return "Spare[" + pair.getPublic().getAlgorithm() + "]";
    }
  }

  /** Makes a key pair ahead of time (on a first start, while the store is being set up). */
  public static Spare spare(CryptoProvider crypto, KeyAlgorithm algorithm, int bits) {
    return new Spare(generate(crypto, algorithm, bits));
  }

  /** Hands over pairs made ahead of time for {@link #create} to use before it generates any. */
  public void addSpares(java.util.List<Spare> spares) {
    spares.forEach(s -> spare.add(s.pair));
  }

  /** A new key pair for the algorithm (RSA of the given size, or P-256) from the given provider. */
  static KeyPair generate(CryptoProvider crypto, KeyAlgorithm algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.keyType, crypto.provider());
      if (algorithm == KeyAlgorithm.ES256) {
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      } else {
        g.initialize(bits);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
    }
  }

  /** Generates a key, seals and stores it (published now), and returns its handle. */
  public SigningKey create(KeyPurpose purpose, KeyState state) {
    return create(purpose, state, null);
  }

  /** Generates a NEXT or ACTIVE key; a NEXT key carries the instant it is to become active. */
  public SigningKey create(KeyPurpose purpose, KeyState state, Instant activateAt) {
    KeyPair spareOne = spare.poll();
    KeyPair pair = spareOne != null && spareOne.getPublic().getAlgorithm().equals(algorithm.keyType)
        ? spareOne : generate(crypto, algorithm, bits);
    Instant now = clock.instant();
    String base = "appjwt-" + DAY.format(now);
    Set<String> taken = new HashSet<>();
    repository.findAll().forEach(k -> taken.add(k.kid()));
    for (int n = 1; n < 1000; n++) {
      String kid = n == 1 ? base : base + "-" + n;
      if (taken.contains(kid)) {
        continue;
      }
      java.security.PublicKey pub = pair.getPublic();
      String jwk = (pub instanceof RSAPublicKey rsa
          ? new RSAKey.Builder(rsa).keyID(kid).build()
          : new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (java.security.interfaces.ECPublicKey) pub).keyID(kid).build())
          .toJSONString();
      String sealed = masterKey.seal(pair.getPrivate().getEncoded(), context(kid, purpose, algorithm.name(), jwk));
      StoredSigningKey s = new StoredSigningKey(kid, purpose, state, algorithm.name(), jwk, sealed, now, now,
          state == KeyState.NEXT ? activateAt : null, null);
      if (repository.insert(s)) {
        LOG.info("created {} signing key {} ({}, {})", purpose, kid, algorithm == KeyAlgorithm.RS256 ? "RSA-" + bits : "ES256 P-256", state);
        return new SigningKey(kid, purpose, state, now, pub, pair.getPrivate(), crypto.provider(), now);
      }
      taken.add(kid); // another node took it meanwhile
    }
    throw new IllegalStateException("no free kid left for " + base);
  }

  private SigningKey open(StoredSigningKey s) {
    try {
      com.nimbusds.jose.jwk.JWK jwk = com.nimbusds.jose.jwk.JWK.parse(s.publicJwk());
      java.security.PublicKey pub = jwk instanceof RSAKey rsa ? rsa.toRSAPublicKey() : jwk.toECKey().toECPublicKey();
      if (!KeyAlgorithm.valueOf(s.algorithm()).keyType.equals(pub.getAlgorithm())) {
        throw new IllegalStateException("stored signing key " + s.kid() + " says " + s.algorithm() + " but its public key is " + pub.getAlgorithm());
      }
      String context = context(s.kid(), s.purpose(), s.algorithm(), s.publicJwk());
      byte[] pkcs8;
      try {
        pkcs8 = masterKey.open(s.sealedPrivateKey(), context);
      } catch (SealedValueException bound) {
        // sealed before the binding covered purpose, algorithm and public key: open it the old way
        // (bound to the kid only) and seal it anew, once
        pkcs8 = masterKey.open(s.sealedPrivateKey(), "signing-key/" + s.kid());
        repository.reseal(s.kid(), s.sealedPrivateKey(), masterKey.seal(pkcs8, context));
        LOG.info("signing key {} sealed anew, bound to its purpose, algorithm and public key", s.kid());
      }
      PrivateKey priv = KeyFactory.getInstance(pub.getAlgorithm(), crypto.provider()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      java.util.Arrays.fill(pkcs8, (byte) 0);
      selfTest(s.kid(), priv, pub);
      return new SigningKey(s.kid(), s.purpose(), s.state(), s.createdAt(), pub, priv, crypto.provider(), s.publishedAt());
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("stored signing key " + s.kid() + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** Signs a random message with the private half and verifies it with the public half. */
  private void selfTest(String kid, PrivateKey priv, java.security.PublicKey pub) throws GeneralSecurityException {
    String alg = pub.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] msg = new byte[32];
    new java.security.SecureRandom().nextBytes(msg);
    java.security.Signature sign = java.security.Signature.getInstance(alg, crypto.provider());
    sign.initSign(priv);
    sign.update(msg);
    byte[] sig = sign.sign();
    java.security.Signature verify = java.security.Signature.getInstance(alg);
    verify.initVerify(pub);
    verify.update(msg);
    if (!verify.verify(sig)) {
      throw new IllegalStateException("stored signing key " + kid + ": its private key does not match its public key");
    }
  }

  /** What a sealed private key is bound to: kid, purpose, algorithm and the public key's RFC 7638 thumbprint. */
  private static String context(String kid, KeyPurpose purpose, String algorithm, String publicJwk) {
    String thumbprint;
    try {
      thumbprint = com.nimbusds.jose.jwk.JWK.parse(publicJwk).computeThumbprint().toString();
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
      throw new IllegalArgumentException("public key of " + kid + " is unreadable: " + e.getMessage(), e);
    }
    return "signing-key/v2/" + kid + "/" + purpose.name() + "/" + algorithm + "/" + thumbprint;
  }
}
