package dev.gatehouse.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust for webhook endpoints: the JDK's trust store, plus the CA certificates of an
 * optional PEM file (a private CA, or a test receiver's self-signed certificate). A server
 * certificate is accepted when either trusts it; host names are checked by the HTTP client.
 */
public final class WebhookTrust {
  private WebhookTrust() {}

  /** @throws IllegalArgumentException when the file cannot be read or holds no certificate */
  public static SSLContext context(Path caFile) {
    try {
      X509TrustManager jdk = manager(null);
      if (caFile == null) {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {jdk}, null);
        return ctx;
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      try (InputStream in = Files.newInputStream(caFile)) {
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("webhook-ca-" + i++, c);
        }
        if (i == 0) {
          throw new IllegalArgumentException("--webhook-ca-file " + caFile + " holds no PEM certificate");
        }
      }
      X509TrustManager extra = manager(ks);
      X509TrustManager both = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          throw new CertificateException("webhook deliveries are client connections only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          try {
            jdk.checkServerTrusted(chain, authType);
          } catch (CertificateException notJdk) {
            extra.checkServerTrusted(chain, authType);
          }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          X509Certificate[] a = jdk.getAcceptedIssuers();
          X509Certificate[] b = extra.getAcceptedIssuers();
          X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
          System.arraycopy(b, 0, all, a.length, b.length);
          return all;
        }
      };
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {both}, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use --webhook-ca-file " + caFile + ": " + e.getMessage());
    }
  }

  private static X509TrustManager manager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager t : tmf.getTrustManagers()) {
      if (t instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager");
  }
}
