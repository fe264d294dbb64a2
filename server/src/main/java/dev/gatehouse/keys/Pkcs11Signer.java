package dev.gatehouse.keys;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A private key inside a PKCS#11 token (an HSM; SoftHSM2 in tests), signing through the JDK's
 * SunPKCS11 provider. The key never leaves the token: {@code key} is only a handle. At most {@code
 * sessions} signatures run at once, since a token slows down past its hardware's parallelism
 * (measured with SoftHSM2 on 2 cores by {@code bench/hsm/run}: 1 session 865/s, 2 sessions 1,431/s,
 * 4 1,453/s, 8 1,222/s); a caller waits at most a second for its turn.
 *
 * <p>Failures are sorted for the caller: a token that is away, logged out, or whose session broke
 * ({@code CKR_DEVICE_*}, {@code CKR_TOKEN_NOT_PRESENT}, {@code CKR_SESSION_*}, {@code
 * CKR_USER_NOT_LOGGED_IN}, an object or key handle that reads as invalid, which is what a private
 * key of a logged-out token looks like, or every session busy) is transient: 503, never a 500;
 * anything else (a mechanism or key type the token refuses) is permanent. Never a silent fall back
 * to software keys.
 *
 * <p>Thread-safe. Status: the signer and its failure rules; generating keys in the token, storing
 * their references and the {@code --key-store pkcs11} wiring are the next steps of issue 17.
 */
final class Pkcs11Signer implements Signer {
  private static final String[] TRANSIENT = {"CKR_DEVICE_", "CKR_TOKEN_NOT_PRESENT", "CKR_TOKEN_NOT_RECOGNIZED", "CKR_SESSION_",
      "CKR_USER_NOT_LOGGED_IN", "CKR_CRYPTOKI_NOT_INITIALIZED", "CKR_FUNCTION_FAILED", "CKR_GENERAL_ERROR",
      // a private key of a logged-out token is invisible: its handle reads as invalid until the next login
      "CKR_OBJECT_HANDLE_INVALID", "CKR_KEY_HANDLE_INVALID"};

  private final PrivateKey key;
  private final Provider provider;
  private final String algorithm;
  private final String label;
  private final Semaphore sessions;
  private final ThreadLocal<Signature> signatures;

  Pkcs11Signer(PrivateKey key, Provider provider, String jcaAlgorithm, String tokenLabel, int sessions) {
    if (sessions < 1) {
      throw new IllegalArgumentException("a PKCS#11 signer needs at least one session, got " + sessions);
    }
    this.key = key;
    this.provider = provider;
    this.algorithm = jcaAlgorithm;
    this.label = tokenLabel;
    this.sessions = new Semaphore(sessions, true);
    this.signatures = ThreadLocal.withInitial(() -> null);
  }

  @Override
  public byte[] sign(byte[] input) throws SignerException {
    boolean turn;
    try {
      turn = sessions.tryAcquire(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SignerException("interrupted while waiting for a session of token " + label, true, e);
    }
    if (!turn) {
      throw new SignerException("every session of token " + label + " is busy", true, null);
    }
    try {
      Signature s = signatures.get();
      if (s == null) {
        s = Signature.getInstance(algorithm, provider);
        s.initSign(key);
        signatures.set(s);
      }
      s.update(input);
      return s.sign();
    } catch (java.security.GeneralSecurityException | java.security.ProviderException e) {
      signatures.remove(); // its session may be gone with the failure
      throw new SignerException("token " + label + ": " + describe(e), isTransient(e), e);
    } finally {
      sessions.release();
    }
  }

  /** Whether a failure names a PKCS#11 return value that may pass. */
  static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
      for (String code : TRANSIENT) {
        if (m.contains(code)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  @Override
  public String location() {
    return "pkcs11:" + label;
  }

  @Override
  public String toString() {
    return "Pkcs11Signer[" + label + ", " + algorithm + "]";
  }
}
