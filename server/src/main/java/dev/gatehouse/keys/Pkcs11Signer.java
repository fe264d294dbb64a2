package dev.gatehouse.keys;

import java.security.PrivateKey;
import java.security.Signature;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One key inside a PKCS#11 token ({@link Pkcs11Keys}), signing through the JDK's SunPKCS11. The key
 * never leaves the token: the signer holds its kid and asks the token for the current object
 * handle, which changes when the token was away and {@link Pkcs11Keys#check()} found the key anew.
 *
 * <p>At most {@code --pkcs11-sessions} signatures run at once per token, since a token slows down
 * past its hardware's parallelism (measured with SoftHSM2 on 2 cores by {@code bench/hsm/run}: 1
 * session 865/s, 2 sessions 1,431/s, 4 1,453/s, 8 1,222/s); a caller waits at most 250 ms for its
 * turn.
 *
 * <p>Failures are sorted for the caller: a token that is away, logged out, or whose session broke
 * ({@code CKR_DEVICE_*}, {@code CKR_TOKEN_NOT_PRESENT}, {@code CKR_SESSION_*}, {@code
 * CKR_USER_NOT_LOGGED_IN}, an object or key handle that reads as invalid, which is what a private
 * key of a logged-out or returned token looks like, or every session busy) is transient: 503, never
 * a 500, and the token reports not ready until it signs again; anything else (a mechanism or key
 * type the token refuses) is permanent. Never a silent fall back to software keys.
 *
 * <p>Thread-safe: each thread keeps a {@code Signature} initialised with the current handle.
 */
final class Pkcs11Signer implements Signer {
  private static final String[] TRANSIENT = {"CKR_DEVICE_", "CKR_TOKEN_NOT_PRESENT", "CKR_TOKEN_NOT_RECOGNIZED", "CKR_SESSION_",
      "CKR_USER_NOT_LOGGED_IN", "CKR_CRYPTOKI_NOT_INITIALIZED", "CKR_FUNCTION_FAILED", "CKR_GENERAL_ERROR",
      "CKR_OBJECT_HANDLE_INVALID", "CKR_KEY_HANDLE_INVALID"};

  private record Ready(PrivateKey key, Signature signature) {}

  private final Pkcs11Keys token;
  private final String kid;
  private final String algorithm;
  private final ThreadLocal<Ready> ready = new ThreadLocal<>();

  Pkcs11Signer(Pkcs11Keys token, String kid, String jcaAlgorithm) {
    this.token = token;
    this.kid = kid;
    this.algorithm = jcaAlgorithm;
  }

  @Override
  public byte[] sign(byte[] input) throws SignerException {
    PrivateKey key = token.handle(kid);
    if (key == null) {
      throw new SignerException("token " + token.label() + " has no object for key " + kid + " right now", true, null);
    }
    boolean turn;
    try {
      turn = token.sessions.tryAcquire(250, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SignerException("interrupted while waiting for a session of token " + token.label(), true, e);
    }
    if (!turn) {
      throw new SignerException("every session of token " + token.label() + " is busy", true, null);
    }
    try {
      Ready r = ready.get();
      if (r == null || r.key() != key) {
        Signature s = Signature.getInstance(algorithm, token.provider());
        s.initSign(key);
        r = new Ready(key, s);
        ready.set(r);
      }
      r.signature().update(input);
      return r.signature().sign();
    } catch (java.security.GeneralSecurityException | java.security.ProviderException e) {
      ready.remove(); // its session may be gone with the failure
      boolean passing = isTransient(e);
      if (passing) {
        token.failed(e);
      }
      throw new SignerException("token " + token.label() + ": " + Pkcs11Keys.describe(e), passing, e);
    } finally {
      token.sessions.release();
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

  @Override
  public String location() {
    return token.location();
  }

  @Override
  public String toString() {
    return "Pkcs11Signer[" + token.label() + " " + kid + ", " + algorithm + "]";
  }
}
