package dev.gatehouse.keys;

import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
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
 * Creates and loads signing keys. New keys are made by the node's {@link KeyCustodian} (software
 * keys sealed under the {@link MasterKey}, or keys inside a PKCS#11 token); each stored key names the
 * custodian that holds its private half, and is opened by it when loaded, so a store may hold keys
 * of both while it moves from software to a token. Every key loaded passes a sign/verify self-test
 * with its stored public half before it is used, which also proves that a token's object is the one
 * the kid names. Retired keys are not opened: they never sign again.
 *
 * <p>Kids follow the documented pattern {@code appjwt-DD-MM-YY} (the day the key was made, UTC), with
 * {@code -2}, {@code -3}... when more keys are made on one day. Kids are unique across both rings,
 * since one JWKS publishes them all.
 *
 * <p>Thread-safe; creation races between nodes are settled by the store's unique kid (and creation
 * runs under the cluster lock of {@link KeyRotation}).
 */
public final class KeyVault {
  private static final Logger LOG = LoggerFactory.getLogger(KeyVault.class);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd-MM-yy").withZone(ZoneOffset.UTC);
  public static final Set<Integer> ALLOWED_BITS = Set.of(2048, 3072, 4096);

  private final SigningKeyRepository repository;
  private final CryptoProvider crypto;
  private final SealedKeys software;
  private final KeyCustodian custodian;
  private final int bits;
  private final KeyAlgorithm algorithm;
  private final Clock clock;
  /** Active keys kept elsewhere than new keys are made, already told about in the log. */
  private final Set<String> toldElsewhere = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** New keys are software keys sealed under {@code masterKey}. */
  public KeyVault(SigningKeyRepository repository, MasterKey masterKey, CryptoProvider crypto, KeyAlgorithm algorithm, int bits, Clock clock) {
    this(repository, masterKey, crypto, null, algorithm, bits, clock);
  }

  /**
   * @param custodian makes new keys; null for software keys sealed under {@code masterKey} (which
   *     also opens the store's software keys whatever the custodian)
   * @param algorithm of new keys: RS256 (RSA of {@code bits}) or ES256 (P-256); existing keys keep theirs
   */
  public KeyVault(SigningKeyRepository repository, MasterKey masterKey, CryptoProvider crypto, KeyCustodian custodian,
      KeyAlgorithm algorithm, int bits, Clock clock) {
    if (!ALLOWED_BITS.contains(bits)) {
      throw new IllegalArgumentException("RSA key size must be one of " + ALLOWED_BITS + ", got " + bits);
    }
    this.repository = repository;
    this.crypto = crypto;
    this.software = new SealedKeys(masterKey, crypto, repository);
    this.custodian = custodian == null ? software : custodian;
    this.algorithm = algorithm;
    this.bits = bits;
    this.clock = clock;
  }

  /** Where new keys are made: {@code software} or {@code pkcs11:LABEL}. */
  public String location() {
    return custodian.location();
  }

  /** Whether the custodian of new keys can sign now (a PKCS#11 token that is away: false). */
  public boolean available() {
    return custodian.available();
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
    Set<String> live = new HashSet<>();
    for (StoredSigningKey s : stored) {
      (s.purpose() == KeyPurpose.APP_TOKEN ? app : consumer).add(open(s));
      if (s.state() != KeyState.RETIRED && custodian.location().equals(s.custody())) {
        live.add(s.kid());
      }
    }
    if (app.stream().noneMatch(k -> k.state() == KeyState.ACTIVE)) {
      SigningKey k = create(KeyPurpose.APP_TOKEN, KeyState.ACTIVE);
      app.add(k);
      live.add(k.kid());
    }
    if (consumer.stream().noneMatch(k -> k.state() == KeyState.ACTIVE)) {
      SigningKey k = create(KeyPurpose.CONSUMER_TOKEN, KeyState.ACTIVE);
      consumer.add(k);
      live.add(k.kid());
    }
    custodian.retain(live);
    for (SigningKey k : concat(app, consumer)) {
      if (k.state() == KeyState.ACTIVE && !k.signerLocation().equals(custodian.location()) && toldElsewhere.add(k.kid())) {
        LOG.info("the active {} key {} is a {} key; new keys are made in {}: rotate the ring to move signing there",
            k.purpose() == KeyPurpose.APP_TOKEN ? "AppJWT" : "ConsumerJWS", k.kid(), k.signerLocation(), custodian.location());
      }
    }
    return new KeyRings(new KeyRing(KeyPurpose.APP_TOKEN, app), new KeyRing(KeyPurpose.CONSUMER_TOKEN, consumer));
  }

  private static List<SigningKey> concat(List<SigningKey> a, List<SigningKey> b) {
    List<SigningKey> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
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

  /** Hands over software pairs made ahead of time for {@link #create} to use before it generates any. */
  public void addSpares(java.util.List<Spare> spares) {
    spares.forEach(s -> software.addSpare(s.pair));
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

  /** Makes a key through the custodian, stores it (published now), and returns its handle. */
  public SigningKey create(KeyPurpose purpose, KeyState state) {
    return create(purpose, state, null);
  }

  /** Makes a NEXT or ACTIVE key; a NEXT key carries the instant it is to become active. */
  public SigningKey create(KeyPurpose purpose, KeyState state, Instant activateAt) {
    Instant now = clock.instant();
    String base = "appjwt-" + DAY.format(now);
    Set<String> taken = new HashSet<>();
    repository.findAll().forEach(k -> taken.add(k.kid()));
    for (int n = 1; n < 1000; n++) {
      String kid = n == 1 ? base : base + "-" + n;
      if (taken.contains(kid)) {
        continue;
      }
      KeyCustodian.Made made = custodian.make(kid, purpose, algorithm, bits, pub -> context(kid, purpose, algorithm.name(), jwk(kid, pub)));
      java.security.PublicKey pub = made.publicKey();
      String jwk = jwk(kid, pub);
      StoredSigningKey s = new StoredSigningKey(kid, purpose, state, algorithm.name(), jwk, made.sealedPrivateKey(), now, now,
          state == KeyState.NEXT ? activateAt : null, null, custodian.location());
      if (repository.insert(s)) {
        LOG.info("created {} signing key {} ({}, {}, {})", purpose, kid, algorithm == KeyAlgorithm.RS256 ? "RSA-" + bits : "ES256 P-256", state,
            custodian.location());
        return new SigningKey(kid, purpose, state, now, pub, crypto.provider(), now, made.signer());
      }
      taken.add(kid); // another node took it meanwhile
    }
    throw new IllegalStateException("no free kid left for " + base);
  }

  private static String jwk(String kid, java.security.PublicKey pub) {
    return (pub instanceof RSAPublicKey rsa
        ? new RSAKey.Builder(rsa).keyID(kid).build()
        : new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (java.security.interfaces.ECPublicKey) pub).keyID(kid).build())
        .toJSONString();
  }

  private SigningKey open(StoredSigningKey s) {
    try {
      com.nimbusds.jose.jwk.JWK jwk = com.nimbusds.jose.jwk.JWK.parse(s.publicJwk());
      java.security.PublicKey pub = jwk instanceof RSAKey rsa ? rsa.toRSAPublicKey() : jwk.toECKey().toECPublicKey();
      if (!KeyAlgorithm.valueOf(s.algorithm()).keyType.equals(pub.getAlgorithm())) {
        throw new IllegalStateException("stored signing key " + s.kid() + " says " + s.algorithm() + " but its public key is " + pub.getAlgorithm());
      }
      if (s.state() == KeyState.RETIRED) { // never signs again: its private half is not needed
        return new SigningKey(s.kid(), s.purpose(), s.state(), s.createdAt(), pub, crypto.provider(), s.publishedAt(), new Retired(s.custody()));
      }
      KeyCustodian holder;
      if (software.location().equals(s.custody())) {
        holder = software;
      } else if (custodian.location().equals(s.custody())) {
        holder = custodian;
      } else {
        throw new IllegalStateException("signing key " + s.kid() + " is kept in " + s.custody() + ", but this node makes and opens keys in "
            + custodian.location() + (s.custody().startsWith("pkcs11:")
                ? "; start it with --key-store pkcs11 --pkcs11-token-label " + s.custody().substring("pkcs11:".length()) : ""));
      }
      Signer signer = holder.open(s, pub, context(s.kid(), s.purpose(), s.algorithm(), s.publicJwk()));
      selfTest(s.kid(), signer, pub);
      return new SigningKey(s.kid(), s.purpose(), s.state(), s.createdAt(), pub, crypto.provider(), s.publishedAt(), signer);
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("stored signing key " + s.kid() + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** The signer of a retired key: it has none. */
  private record Retired(String location) implements Signer {
    @Override
    public byte[] sign(byte[] input) throws SignerException {
      throw new SignerException("a retired key does not sign", false, null);
    }
  }

  /** Signs a random message through the key's signer and verifies it with the stored public half. */
  private static void selfTest(String kid, Signer signer, java.security.PublicKey pub) throws GeneralSecurityException {
    String alg = pub.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] msg = new byte[32];
    new java.security.SecureRandom().nextBytes(msg);
    byte[] sig;
    try {
      sig = signer.sign(msg);
    } catch (SignerException e) {
      throw new IllegalStateException("stored signing key " + kid + " (" + signer.location() + ") cannot sign: " + e.getMessage(), e);
    }
    java.security.Signature verify = java.security.Signature.getInstance(alg);
    verify.initVerify(pub);
    verify.update(msg);
    if (!verify.verify(sig)) {
      throw new IllegalStateException("stored signing key " + kid + " (" + signer.location() + "): its private key does not match its public key");
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
