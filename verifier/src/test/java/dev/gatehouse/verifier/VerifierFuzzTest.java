package dev.gatehouse.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of everything that reads untrusted token bytes: the JSON reader,
 * the compact-JWS parser and {@link ConnectorRequestVerifier#verify}. Run as a plain test, each
 * target replays its regression inputs ({@code src/test/resources/.../VerifierFuzzTestInputs/});
 * with {@code JAZZER_FUZZ=1} Jazzer mutates them for {@code maxDuration}, as {@code .ci/run} does.
 *
 * <p>Properties: the JSON reader and the parser refuse with {@link IllegalArgumentException} or
 * accept, nothing else (no stack overflow, no other exception); {@code verify} returns a verdict
 * for every input, and never an identity for bytes that were not signed by the key.
 */
class VerifierFuzzTest {
  private static final TestIssuer.Key KEY = TestIssuer.key("appjwt-28-11-26");
  private static final ConnectorRequestVerifier VERIFIER = ConnectorRequestVerifier.builder()
      .jwkSet(TestIssuer.jwks(KEY)).clock(new ConnectorRequestVerifierTest.FakeClock()).cacheSize(64).build();

  @FuzzTest(maxDuration = "40s")
  void jsonReader_acceptsOrRefusesCleanly(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      Map<String, Object> m = FlatJson.parse(text);
      assertThat(m).isNotNull();
    } catch (IllegalArgumentException refused) {
      // the one way to say no
    }
  }

  @FuzzTest(maxDuration = "40s")
  void compactJwsParser_acceptsOrRefusesCleanly(byte[] data) {
    String token = new String(data, StandardCharsets.ISO_8859_1);
    try {
      CompactJws jws = CompactJws.parse(token);
      assertThat(jws.claims).isNotNull();
    } catch (IllegalArgumentException refused) {
      // the one way to say no
    }
  }

  /** The bytes are the account, the Authorization value and the ConsumerJWS value, split at newlines. */
  @FuzzTest(maxDuration = "60s")
  void verify_returnsAVerdictForAnyInput_andNeverAnUnsignedIdentity(byte[] data) {
    String[] parts = new String(data, StandardCharsets.UTF_8).split("\n", 3);
    String account = parts[0];
    String auth = parts.length > 1 ? parts[1] : null;
    String onBehalf = parts.length > 2 ? parts[2] : null;
    Verification v = VERIFIER.verify(account, auth, onBehalf);
    assertThat(v).isNotNull();
    if (v instanceof Identity) {
      // only tokens our key signed can pass: re-check both signatures independently
      assertThat(signedByKey(auth)).as("AppJWT accepted without our signature").isTrue();
      assertThat(signedByKey(onBehalf)).as("ConsumerJWS accepted without our signature").isTrue();
    }
    try {
      VERIFIER.verifyAppJwt(auth);
    } catch (TokenRejectedException refused) {
      assertThat(refused.rejection()).isNotNull();
    }
  }

  private static boolean signedByKey(String header) {
    try {
      String t = BearerToken.from(header, true);
      com.nimbusds.jose.JWSObject o = com.nimbusds.jose.JWSObject.parse(t);
      return o.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(KEY.jwk()));
    } catch (Exception e) {
      return false;
    }
  }
}
