package dev.gatehouse.http;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;

/** TLS set-up checks for the listener. Stateless. */
public final class TlsSetup {
  private TlsSetup() {}

  /**
   * Refuses to start with a TLS key that is not the certificate's: otherwise the server would say
   * "ready" and then fail every handshake. Signs a challenge with the key and verifies it with the
   * certificate's public key.
   */
  public static void checkTlsPair(Vertx vertx, PemKeyCertOptions pem, Path cert, Path key) {
    String both = "--tls-cert " + cert + " and --tls-key " + key;
    try {
      javax.net.ssl.KeyManagerFactory kmf = pem.getKeyManagerFactory(vertx);
      javax.net.ssl.X509KeyManager km = (javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0];
      String alias = null;
      for (String type : new String[] {"RSA", "EC"}) {
        String[] a = km.getServerAliases(type, null);
        if (a != null && a.length > 0) {
          alias = a[0];
          break;
        }
      }
      java.security.cert.X509Certificate[] chain = alias == null ? null : km.getCertificateChain(alias);
      java.security.PrivateKey priv = alias == null ? null : km.getPrivateKey(alias);
      if (chain == null || chain.length == 0 || priv == null) {
        throw new IllegalArgumentException(both + ": no certificate with its private key could be read from them");
      }
      String alg = priv.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      byte[] challenge = new byte[32];
      new java.security.SecureRandom().nextBytes(challenge);
      java.security.Signature s = java.security.Signature.getInstance(alg);
      s.initSign(priv);
      s.update(challenge);
      byte[] sig = s.sign();
      java.security.Signature v = java.security.Signature.getInstance(alg);
      v.initVerify(chain[0].getPublicKey());
      v.update(challenge);
      if (!v.verify(sig)) {
        throw new IllegalArgumentException(both + " do not match: the key is not the certificate's private key");
      }
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException(both + " do not match or cannot be read: " + e.getMessage(), e);
    }
  }

}
