package dev.gatehouse.limits.bench;

import dev.gatehouse.limits.AuthFailureLimits;
import dev.gatehouse.limits.Quotas;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Security;
import java.security.Signature;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the brute-force limits and the per-app quota cost an AppJWT request that passes them (the
 * good path), in nanoseconds on one thread, against the reference of the same run: one RS256
 * signature with the provider the server uses (ACCP where it loads), the signature every such
 * request makes. The good path is what {@code AppTokenGrant} calls: {@code retryAfter} before
 * the secret is checked and {@code succeeded} after; with a quota set, one {@code take}.
 *
 * <p>{@code tables}: {@code empty}, or {@code attacked} (first filled by failed attempts from
 * 100,000 other client ids and 5,000 addresses, the tables' bound, as a guessing attack leaves
 * them). Run with {@code bench/limits}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LimitsBenchmark {
  private static final int APPS = 64;

  @Param({"empty", "attacked"})
  public String tables;

  private AuthFailureLimits limits;
  private Quotas quotas;
  private final String[] clients = new String[APPS];
  private final String address = "192.0.2.10";
  private int i;
  private Signature signer;
  private final byte[] signingInput = new byte[420]; // an AppJWT's header and claims, Base64url

  @Setup
  public void setup() throws Exception {
    try {
      com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.install();
      com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
    } catch (Throwable e) {
      System.err.println("ACCP not loaded (" + e + "): the reference uses the JDK's provider");
    }
    limits = new AuthFailureLimits(AuthFailureLimits.defaults(), Clock.systemUTC(), l -> { });
    quotas = new Quotas(1_000_000_000, 0, Clock.systemUTC()); // a quota no one reaches: always taken
    for (int a = 0; a < APPS; a++) {
      clients[a] = UUID.randomUUID().toString();
    }
    if (tables.equals("attacked")) {
      for (int n = 0; n < 100_000; n++) {
        limits.failed(AuthFailureLimits.Door.CLIENT_SECRET, UUID.randomUUID().toString(), "198.51." + (n / 250 % 20) + "." + (n % 250));
      }
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    PrivateKey key = g.generateKeyPair().getPrivate();
    signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    java.util.Arrays.fill(signingInput, (byte) 'e');
    System.err.println("reference provider: " + signer.getProvider().getName() + " (installed first: " + Security.getProviders()[0].getName() + ")");
  }

  /** retryAfter and succeeded, as every AppJWT request with the right secret calls them. */
  @Benchmark
  public Object limits() {
    String client = clients[i++ & (APPS - 1)];
    Object wait = limits.retryAfter(AuthFailureLimits.Door.CLIENT_SECRET, client, address);
    limits.succeeded(AuthFailureLimits.Door.CLIENT_SECRET, client, address);
    return wait;
  }

  /** The same and one quota take (when the operator sets --quota-app-tokens). */
  @Benchmark
  public Object limitsAndQuota() {
    String client = clients[i++ & (APPS - 1)];
    Object wait = limits.retryAfter(AuthFailureLimits.Door.CLIENT_SECRET, client, address);
    limits.succeeded(AuthFailureLimits.Door.CLIENT_SECRET, client, address);
    Object over = quotas.take(Quotas.Kind.APP_TOKENS, client);
    return wait == null ? over : wait;
  }

  /** The reference: one RS256 signature, which every such request makes. */
  @Benchmark
  public byte[] rs256() throws Exception {
    signer.update(signingInput);
    return signer.sign();
  }
}
