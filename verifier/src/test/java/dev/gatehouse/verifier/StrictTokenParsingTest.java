package dev.gatehouse.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tokens that are correctly signed but not what a strict reader accepts: each must be refused
 * (never an exception, never an identity), and each token has exactly one spelling.
 */
class StrictTokenParsingTest {
  static final String HEADER = "{\"kid\":\"appjwt-28-11-26\",\"typ\":\"JWT\",\"alg\":\"RS256\"}";
  static final String GOOD_APP = "{\"aud\":\"5313846\",\"azp\":\"75588e18-0213-4e33-8174-883acac7e3c4\",\"scope\":\"msg.consumer\","
      + "\"iss\":\"Sentinel\",\"exp\":" + (ConnectorRequestVerifierTest.T + 3600) + ",\"iat\":" + ConnectorRequestVerifierTest.T + "}";
  static final String GOOD_CONSUMER = "{\"account_id\":\"5313846\",\"ext_consumer_id\":\"x\",\"lp_consumer_id\":\"ab\"}";
  static TestIssuer.Key key;
  static ConnectorRequestVerifier verifier;

  @BeforeAll
  static void keys() {
    key = TestIssuer.key("appjwt-28-11-26");
    verifier = ConnectorRequestVerifier.builder().jwkSet(TestIssuer.jwks(key)).clock(new ConnectorRequestVerifierTest.FakeClock()).build();
  }

  static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A compact JWS over exactly these header and payload bytes, with a good RS256 signature. */
  static String signRaw(byte[] header, byte[] payload) {
    try {
      String input = b64(header) + "." + b64(payload);
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key.pair().getPrivate());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(s.sign());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String signRaw(String header, String payload) {
    return signRaw(header.getBytes(StandardCharsets.UTF_8), payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theWellFormedPair_isAccepted() {
    assertThat(verifier.verify("5313846", signRaw(HEADER, GOOD_APP), signRaw(HEADER, GOOD_CONSUMER))).isInstanceOf(Identity.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "null", "[]", "\"x\"", "1", "",
      "{\"kid\":\"appjwt-28-11-26\",\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"appjwt-28-11-26\"}",
      "{\"kid\":\"appjwt-28-11-26\",\"alg\":\"RS256\",\"crit\":[\"exp\"]}",
      "{\"kid\":\"appjwt-28-11-26\",\"alg\":\"RS256\"} x",
      "{'kid':'appjwt-28-11-26','alg':'RS256'}",
      "{\"kid\":\"appjwt-28-11-26\",\"alg\":\"RS256\",}",
      "{\"kid\":\"appjwt-28-11-26\",\"alg\":\"none\"}",
      "{\"kid\":\"appjwt-28-11-26\",\"alg\":\"HS256\"}",
  })
  void aHeaderThatIsNotOneStrictJsonObject_isRefused(String header) {
    Verification v = verifier.verify("5313846", signRaw(header, GOOD_APP), signRaw(HEADER, GOOD_CONSUMER));
    assertThat(v).isInstanceOf(Rejection.class);
    assertThat(((Rejection) v).errorCode()).isEqualTo(40102);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"aud\":\"5313846\",\"exp\":01}",
      "{\"aud\":\"5313846\",\"exp\":1.}",
      "{\"aud\":\"5313846\",\"exp\":.5}",
      "{\"aud\":\"5313846\",\"exp\":+1}",
      "{\"aud\":\"5313846\",\"exp\":1e}",
      "{\"aud\":\"5313846\",\"exp\":1-2}",
      "{\"aud\":\"5313846\",\"exp\":NaN}",
      "{\"aud\":\"5313846\",\"exp\":1e999}",
      "{\"aud\":\"53138\\u+346\"}",
      "{\"aud\":\"\\ud800\"}",
      "{\"aud\":\"\\udc00x\"}",
      "{\"aud\":\"5313846\"\u0000}",
      "{\"aud\":\"a\u0001b\"}",
  })
  void aPayloadOutsideTheRfc8259Grammar_isRefused(String payload) {
    assertThat(verifier.verify("5313846", signRaw(HEADER, payload), signRaw(HEADER, GOOD_CONSUMER))).isInstanceOf(Rejection.class);
  }

  @Test
  void deeplyNestedJson_isRefusedWithoutExhaustingTheStack() {
    for (int depth : new int[] {17, 1_000, 12_000, 200_000}) {
      String nested = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
      String deepObjects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
      for (String payload : new String[] {nested, deepObjects}) {
        Verification v = verifier.verify("5313846", signRaw(HEADER, payload), signRaw(HEADER, GOOD_CONSUMER));
        assertThat(v).as("depth " + depth).isInstanceOf(Rejection.class);
        v = verifier.verify("5313846", signRaw(HEADER, GOOD_APP), signRaw(HEADER, payload));
        assertThat(v).as("depth " + depth).isInstanceOf(Rejection.class);
        assertThat(((Rejection) v).errorCode()).isEqualTo(40103);
      }
    }
    // sixteen levels is still JSON we read
    String sixteen = GOOD_APP.substring(0, GOOD_APP.length() - 1) + ",\"x\":" + "[".repeat(15) + "]".repeat(15) + "}";
    assertThat(verifier.verify("5313846", signRaw(HEADER, sixteen), signRaw(HEADER, GOOD_CONSUMER))).isInstanceOf(Identity.class);
  }

  @Test
  void overlongUtf8_encodedSurrogates_andStrayBytes_areRefused() {
    byte[][] bad = {
        {(byte) 0xC0, (byte) 0x80}, // overlong NUL
        {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong '/'
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate (CESU)
        {(byte) 0xFF},
        {(byte) 0x80},
    };
    for (byte[] b : bad) {
      byte[] payload = concat("{\"account_id\":\"5313846\",\"lp_consumer_id\":\"ab\",\"ext_consumer_id\":\"x".getBytes(StandardCharsets.UTF_8), b,
          "\"}".getBytes(StandardCharsets.UTF_8));
      Verification v = verifier.verify("5313846", signRaw(HEADER, GOOD_APP), signRaw(HEADER.getBytes(StandardCharsets.UTF_8), payload));
      assertThat(v).isInstanceOf(Rejection.class);
    }
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  @Test
  void aTokenHasExactlyOneSpelling_paddingOrOtherTrailingBitsAreRefused() {
    String app = signRaw(HEADER, GOOD_APP);
    String consumer = signRaw(HEADER, GOOD_CONSUMER);
    assertThat(verifier.verify("5313846", app, consumer)).isInstanceOf(Identity.class);
    // the 256-byte signature is 342 base64url characters: the last carries 4 unused bits
    String sig = app.substring(app.lastIndexOf('.') + 1);
    assertThat(sig.length() % 4).isEqualTo(2);
    String base = app.substring(0, app.lastIndexOf('.') + 1);
    char last = sig.charAt(sig.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int v = alphabet.indexOf(last);
    for (int low = 1; low < 16; low++) {
      String other = base + sig.substring(0, sig.length() - 1) + alphabet.charAt((v & ~15) | low);
      assertThat(verifier.verify("5313846", other, consumer)).as("trailing bits " + low).isInstanceOf(Rejection.class);
    }
    assertThat(verifier.verify("5313846", app + "==", consumer)).isInstanceOf(Rejection.class);
    assertThat(verifier.verify("5313846", app.replaceFirst("\\.", "=."), consumer)).isInstanceOf(Rejection.class);
    assertThat(verifier.verify("5313846", app.replace('-', '+').replace('_', '/'), consumer)).satisfiesAnyOf(
        r -> assertThat(app).doesNotContain("-").doesNotContain("_"),
        r -> assertThat(r).isInstanceOf(Rejection.class));
  }

  @Test
  void bothConsumerHeaderSpellings_orARepeatedHeader_areRefused() {
    String app = signRaw(HEADER, GOOD_APP);
    String consumer = signRaw(HEADER, GOOD_CONSUMER);
    java.util.Map<String, String> both = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    both.put("Authorization", app);
    both.put("X-LP-ON-BEHALF", consumer);
    both.put("LP-On-Behalf", consumer);
    assertThat(((Rejection) verifier.verify("5313846", both::get)).errorCode()).isEqualTo(40103);
    java.util.Map<String, java.util.List<String>> twice = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    twice.put("Authorization", java.util.List.of(app));
    twice.put("X-LP-ON-BEHALF", java.util.List.of(consumer, consumer));
    assertThat(((Rejection) verifier.verifyHeaders("5313846", h -> twice.getOrDefault(h, java.util.List.of()))).errorCode()).isEqualTo(40103);
    twice.put("X-LP-ON-BEHALF", java.util.List.of(consumer));
    assertThat(verifier.verifyHeaders("5313846", h -> twice.getOrDefault(h, java.util.List.of()))).isInstanceOf(Identity.class);
    twice.put("Authorization", java.util.List.of(app, app));
    assertThat(((Rejection) verifier.verifyHeaders("5313846", h -> twice.getOrDefault(h, java.util.List.of()))).errorCode()).isEqualTo(40102);
  }
}
