package dev.gatehouse.verifier.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.gatehouse.verifier.ConnectorRequestVerifier;
import dev.gatehouse.verifier.Verification;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
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
 * Verified header pairs per second on one thread: warm (a pair seen before), cold (caching off,
 * so every pair costs two parses and two RSA-2048 verifications), and the reference, two raw
 * SHA256withRSA verifications with the same provider. Run with {@code bench/verifier}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VerifierBenchmark {
  private static final int PAIRS = 64;

  @Param({"jdk", "accp"})
  public String provider;

  private ConnectorRequestVerifier warm;
  private ConnectorRequestVerifier cold;
  private final String[] apps = new String[PAIRS];
  private final String[] consumers = new String[PAIRS];
  private int i;
  private Signature raw;
  private RSAPublicKey publicKey;
  private byte[] signingInput;
  private byte[] signature;

  @Setup
  public void setup() throws Exception {
    if (provider.equals("accp")) {
      com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.install();
      com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    publicKey = (RSAPublicKey) pair.getPublic();
    RSAKey jwk = new RSAKey.Builder(publicKey).keyID("appjwt-28-11-26").algorithm(JWSAlgorithm.RS256).build();
    RSASSASigner signer = new RSASSASigner(pair.getPrivate());
    long now = System.currentTimeMillis() / 1000;
    for (int n = 0; n < PAIRS; n++) {
      apps[n] = sign(signer, "{\"aud\":\"5313846\",\"azp\":\"75588e18-0213-4e33-8174-883acac7e3c4\",\"scope\":\"msg.consumer\",\"iss\":\"Sentinel\",\"exp\":"
          + (now + 3600) + ",\"iat\":" + (now - n) + "}");
      consumers[n] = sign(signer, "{\"account_id\":\"5313846\",\"ext_consumer_id\":\"consumer-" + n
          + "\",\"lp_consumer_id\":\"29caf0c11486996d9387e3a44ec34229d127304db4966d7752716bceb538fa24\"}");
    }
    warm = ConnectorRequestVerifier.builder().jwkSet(new JWKSet(jwk)).build();
    cold = ConnectorRequestVerifier.builder().jwkSet(new JWKSet(jwk)).cacheSize(0).build();
    for (int n = 0; n < PAIRS; n++) {
      if (!warm.verify("5313846", apps[n], consumers[n]).verified() || !cold.verify("5313846", apps[n], consumers[n]).verified()) {
        throw new IllegalStateException("benchmark tokens do not verify");
      }
    }
    String[] parts = apps[0].split("\\.");
    signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    signature = Base64.getUrlDecoder().decode(parts[2]);
    raw = Signature.getInstance("SHA256withRSA");
    System.out.println("# provider of SHA256withRSA: " + raw.getProvider().getName()
        + " (top provider " + Security.getProviders()[0].getName() + ")");
  }

  private static String sign(RSASSASigner signer, String json) throws Exception {
    JWSObject o = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("appjwt-28-11-26").type(JOSEObjectType.JWT).build(), new Payload(json));
    o.sign(signer);
    return o.serialize();
  }

  @Benchmark
  public Verification warmPair() {
    return warm.verify("5313846", apps[0], consumers[0]);
  }

  @Benchmark
  public Verification coldPair() {
    int n = i++ & (PAIRS - 1);
    return cold.verify("5313846", apps[n], consumers[n]);
  }

  @Benchmark
  public boolean rawTwoRsaVerifications() throws Exception {
    raw.initVerify(publicKey);
    raw.update(signingInput);
    boolean a = raw.verify(signature);
    raw.initVerify(publicKey);
    raw.update(signingInput);
    return a & raw.verify(signature);
  }
}
