package dev.gatehouse.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing keys inside a PKCS#11 token (an HSM; SoftHSM2 in tests), through the JDK's SunPKCS11.
 *
 * <ul>
 *   <li>The token is found by its label ({@link TokenSlots}) and logged into with the PIN from a
 *       file. A wrong label, PIN or library refuses the start with one line.
 *   <li>Keys are generated inside the token as persistent ({@code CKA_TOKEN}), private, sensitive,
 *       never extractable objects: RSA-2048/3072/4096 or EC P-256. Beside each private key the token
 *       keeps a self-signed certificate of its public key; both carry the kid (the certificate as
 *       {@code CKA_LABEL} and {@code CKA_ID}, the private key as {@code CKA_ID}), which is how every
 *       node, after every restart or new login, finds the object a stored kid names. The store keeps
 *       the public key, state and dates, and {@code pkcs11:LABEL} as the key's custody; never
 *       private material.
 *   <li>Signatures run on at most {@code sessions} token sessions at once ({@link Pkcs11Signer}).
 *   <li>{@link #check()} (every 2 s) signs a probe with every live key. When it fails the token is
 *       not {@link #available()} (readiness fails, token requests get 503); it then logs in again
 *       and finds every key anew, since a token that was away or restarted hands out new object
 *       handles, and is available again once the probe passes.
 * </ul>
 *
 * <p>Thread-safe: key store work is serialised on one lock; signing only reads a volatile map.
 */
public final class Pkcs11Keys implements KeyCustodian {
  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Keys.class);
  private static final Pattern CKR = Pattern.compile("CKR_[A-Z_]+");

  /** What {@code --key-store pkcs11} needs. {@code sessions}: signatures at once (2 by measurement on 2 cores). */
  public record Settings(Path library, String tokenLabel, Path pinFile, int sessions) {}

  private final String label;
  private final char[] pin;
  private final Provider provider;
  private final KeyStore keyStore;
  private final Clock clock;
  final Semaphore sessions;
  private final Object lock = new Object();
  private volatile Map<String, PrivateKey> handles = Map.of();
  private volatile boolean up = true;

  private Pkcs11Keys(String label, char[] pin, Provider provider, KeyStore keyStore, int sessions, Clock clock) {
    this.label = label;
    this.pin = pin;
    this.provider = provider;
    this.keyStore = keyStore;
    this.sessions = new Semaphore(sessions, true);
    this.clock = clock;
  }

  /**
   * Finds the token, logs in and checks it can make keys.
   *
   * @throws IllegalArgumentException with one line for a missing library, an unknown label or a refused PIN
   */
  public static Pkcs11Keys open(Settings s, Clock clock) {
    if (s.sessions() < 1 || s.sessions() > 64) {
      throw new IllegalArgumentException("--pkcs11-sessions must be 1-64, got " + s.sessions());
    }
    if (!Files.isRegularFile(s.library())) {
      throw new IllegalArgumentException("--pkcs11-library " + s.library() + ": no such file");
    }
    char[] pin = readPin(s.pinFile());
    long slot = TokenSlots.find(s.library(), s.tokenLabel());
    String config = "--name=Gatehouse\n"
        + "library=\"" + s.library().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n"
        + "slot=" + slot + "\n"
        // private keys: persistent, private, sensitive, never extractable; public keys: session
        // objects (the certificate beside each private key keeps the public half)
        + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n  CKA_TOKEN = true\n  CKA_PRIVATE = true\n"
        + "  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n  CKA_SIGN = true\n}\n"
        + "attributes(generate, CKO_PUBLIC_KEY, *) = {\n  CKA_TOKEN = false\n}\n";
    Provider provider;
    try {
      provider = Security.getProvider("SunPKCS11").configure(config);
    } catch (ProviderException | IllegalArgumentException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("PKCS#11 token '" + s.tokenLabel() + "' in " + s.library() + " cannot be used: "
          + TokenSlots.oneLine(rootOf(e)), e);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS11", provider);
      ks.load(null, pin);
      Pkcs11Keys keys = new Pkcs11Keys(s.tokenLabel(), pin, provider, ks, s.sessions(), clock);
      LOG.info("signing keys in PKCS#11 token '{}' (slot {}), {} sessions for signing", s.tokenLabel(), slot, s.sessions());
      return keys;
    } catch (IOException | GeneralSecurityException | ProviderException e) {
      String code = ckr(e);
      if (code != null && (code.startsWith("CKR_PIN_") || code.equals("CKR_USER_PIN_NOT_INITIALIZED"))) {
        throw new IllegalArgumentException("PKCS#11 token '" + s.tokenLabel() + "' refused the PIN in " + s.pinFile() + " (" + code + ")", e);
      }
      throw new IllegalArgumentException("cannot log into PKCS#11 token '" + s.tokenLabel() + "': "
          + (code != null ? code : TokenSlots.oneLine(rootOf(e))), e);
    }
  }

  private static char[] readPin(Path file) {
    if (file == null) {
      throw new IllegalArgumentException("--key-store pkcs11 needs --pkcs11-pin-file");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --pkcs11-pin-file " + file + ": " + e.getClass().getSimpleName(), e);
    }
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    if (end == 0) {
      throw new IllegalArgumentException("--pkcs11-pin-file " + file + " is empty");
    }
    return text.substring(0, end).toCharArray();
  }

  @Override
  public String location() {
    return "pkcs11:" + label;
  }

  @Override
  public Made make(String kid, KeyPurpose purpose, KeyAlgorithm algorithm, int bits, Function<PublicKey, String> binding) {
    synchronized (lock) {
      try {
        keyStore.load(null, pin); // see what other nodes made
        if (keyStore.containsAlias(kid)) {
          // no stored key has this kid (the vault chose it so, under the cluster lock): a node made it and
          // stopped before storing it, so it was never published or used
          keyStore.deleteEntry(kid);
          LOG.warn("removed an unpublished key object {} from PKCS#11 token '{}' (left by a node that stopped while making it)", kid, label);
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.keyType, provider);
        if (algorithm == KeyAlgorithm.ES256) {
          g.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
          g.initialize(bits);
        }
        KeyPair pair = g.generateKeyPair();
        if (pair.getPrivate().getEncoded() != null) {
          throw new IllegalStateException("PKCS#11 token '" + label + "' generated an extractable private key; refusing to use it");
        }
        PublicKey pub = KeyFactory.getInstance(algorithm.keyType).generatePublic(new X509EncodedKeySpec(pair.getPublic().getEncoded()));
        Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(
            SelfSignedCertificate.keyHolderCertificate(pub, pair.getPrivate(), provider, "Gatehouse signing key " + kid, clock.instant())));
        keyStore.setKeyEntry(kid, pair.getPrivate(), null, new Certificate[] {cert});
        PrivateKey handle = find(kid);
        if (handle == null) {
          throw new IllegalStateException("PKCS#11 token '" + label + "' does not find the key " + kid + " it just stored");
        }
        return new Made(pub, new Pkcs11Signer(this, kid, algorithm.signature), null);
      } catch (IOException | GeneralSecurityException | ProviderException e) {
        throw new IllegalStateException("cannot make a " + algorithm + " key in PKCS#11 token '" + label + "': " + describe(e), e);
      }
    }
  }

  @Override
  public Signer open(StoredSigningKey stored, PublicKey publicKey, String binding) {
    String kid = stored.kid();
    if (handles.get(kid) == null) {
      synchronized (lock) {
        try {
          if (handles.get(kid) == null && find(kid) == null) {
            keyStore.load(null, pin); // another node may have made it since this node last looked
            if (find(kid) == null) {
              throw new IllegalStateException("signing key " + kid + " is not in PKCS#11 token '" + label + "' (no private key with CKA_ID '"
                  + kid + "'): every node must see the same token objects (see README, HSM)");
            }
          }
        } catch (IOException | GeneralSecurityException | ProviderException e) {
          throw new IllegalStateException("cannot read signing key " + kid + " from PKCS#11 token '" + label + "': " + describe(e), e);
        }
      }
    }
    return new Pkcs11Signer(this, kid, KeyAlgorithm.valueOf(stored.algorithm()).signature);
  }

  /** Keeps handles only of these kids: the keys the ring holds and that may still sign or be probed. */
  @Override
  public void retain(Set<String> kids) {
    synchronized (lock) {
      Map<String, PrivateKey> next = new HashMap<>(handles);
      next.keySet().retainAll(kids);
      handles = Map.copyOf(next);
    }
  }

  /** Looks a private key up by kid in the key store and remembers its handle; null if absent. Under the lock. */
  private PrivateKey find(String kid) throws GeneralSecurityException {
    Key k = keyStore.containsAlias(kid) ? keyStore.getKey(kid, null) : null;
    if (!(k instanceof PrivateKey p)) {
      return null;
    }
    Map<String, PrivateKey> next = new HashMap<>(handles);
    next.put(kid, p);
    handles = Map.copyOf(next);
    return p;
  }

  /** The current handle of a key; null when the token has none for it. */
  PrivateKey handle(String kid) {
    return handles.get(kid);
  }

  Provider provider() {
    return provider;
  }

  String label() {
    return label;
  }

  /** A signature failed for a reason that may pass: not ready until {@link #check()} sees the token sign again. */
  void failed(Throwable e) {
    if (up) {
      up = false;
      LOG.warn("PKCS#11 token '{}' cannot sign: {}; not ready until it can", label, describe(e));
    }
  }

  @Override
  public boolean available() {
    return up;
  }

  /**
   * Signs a probe with every live key; when that fails, logs in again and finds the keys anew. Run
   * every 2 s by the server (never on an event loop).
   */
  public void check() {
    String failure = probe();
    if (failure == null) {
      if (!up) {
        LOG.info("PKCS#11 token '{}' signs again", label);
      }
      up = true;
      return;
    }
    failed(new IllegalStateException(failure));
    synchronized (lock) {
      try {
        try {
          ((AuthProvider) provider).logout();
        } catch (javax.security.auth.login.LoginException | ProviderException ignored) {
          // a token that went away has no session to log out of
        }
        keyStore.load(null, pin);
        for (String kid : Set.copyOf(handles.keySet())) {
          find(kid);
        }
      } catch (IOException | GeneralSecurityException | ProviderException e) {
        LOG.debug("PKCS#11 token {} not back yet: {}", label, describe(e));
        return;
      }
    }
    if (probe() == null) {
      up = true;
      LOG.info("PKCS#11 token '{}' signs again (logged in anew, {} keys found again)", label, handles.size());
    }
  }

  /** Null when every live key signs a probe; else what failed. */
  private String probe() {
    byte[] probe = new byte[32];
    new java.security.SecureRandom().nextBytes(probe);
    for (Map.Entry<String, PrivateKey> e : handles.entrySet()) {
      try {
        Signature s = Signature.getInstance(e.getValue().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA", provider);
        s.initSign(e.getValue());
        s.update(probe);
        s.sign();
      } catch (GeneralSecurityException | ProviderException x) {
        return "key " + e.getKey() + ": " + describe(x);
      }
    }
    return null;
  }

  /** The PKCS#11 return value named in a failure, or null. */
  static String ckr(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Matcher m = CKR.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return m.group();
      }
    }
    return null;
  }

  static String describe(Throwable e) {
    String code = ckr(e);
    Throwable root = rootOf(e);
    return code != null ? code : root.getClass().getSimpleName() + ": " + TokenSlots.oneLine(root);
  }

  private static Throwable rootOf(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  @Override
  public String toString() {
    return "Pkcs11Keys[" + label + ", PIN redacted]";
  }
}
