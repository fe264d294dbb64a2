package dev.gatehouse.keys;

import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider that does RSA work: Amazon Corretto Crypto Provider (native, about 4x faster
 * signing here) where its native library loads, else the JDK's own. {@link #describe()} is what the
 * startup banner and {@code /health/ready} report.
 */
public final class CryptoProvider {
  private static final Logger LOG = LoggerFactory.getLogger(CryptoProvider.class);

  /** What the operator asked for. */
  public enum Choice {
    AUTO,
    ACCP,
    JDK
  }

  private final Provider provider;
  private final String description;
  private final String fallbackReason;

  private CryptoProvider(Provider provider, String description, String fallbackReason) {
    this.provider = provider;
    this.description = description;
    this.fallbackReason = fallbackReason;
  }

  /**
   * Selects the provider. With {@code AUTO} a failure to load ACCP falls back to the JDK; with
   * {@code ACCP} it is an error.
   */
  public static CryptoProvider select(Choice choice) {
    if (choice != Choice.JDK) {
      String why;
      try {
        com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider accp =
            com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
        Throwable err = accp.getLoadingError();
        if (err == null) {
          accp.assertHealthy();
          if (Security.getProvider(accp.getName()) == null) {
            Security.insertProviderAt(accp, 1);
          }
          return new CryptoProvider(accp, "AmazonCorrettoCryptoProvider " + accp.getVersionStr(), null);
        }
        why = String.valueOf(err.getMessage());
      } catch (Throwable t) { // native library or class not loadable on this platform
        why = t.getClass().getSimpleName() + ": " + t.getMessage();
      }
      if (choice == Choice.ACCP) {
        throw new IllegalStateException("Amazon Corretto Crypto Provider does not load here: " + why);
      }
      LOG.warn("Amazon Corretto Crypto Provider unavailable ({}); RSA uses the JDK provider", why);
      return jdk(why);
    }
    return jdk("JDK provider chosen by configuration");
  }

  private static CryptoProvider jdk(String reason) {
    try {
      Provider p = Signature.getInstance("SHA256withRSA").getProvider();
      return new CryptoProvider(p, "JDK " + p.getName() + " " + p.getVersionStr(), reason);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA256withRSA provider at all", e);
    }
  }

  public Provider provider() {
    return provider;
  }

  public boolean isNative() {
    return fallbackReason == null;
  }

  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
