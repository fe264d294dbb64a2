package dev.gatehouse.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectorRequestVerifierTest {
  static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  static final long T = NOW.getEpochSecond();
  static TestIssuer.Key key;
  static TestIssuer.Key stranger;
  static String app;
  static String consumer;

  static final class FakeClock extends Clock {
    volatile Instant now = NOW;

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId z) { return this; }
    @Override public Instant instant() { return now; }
  }

  @BeforeAll
  static void keys() {
    key = TestIssuer.key("appjwt-28-11-26");
    stranger = TestIssuer.key("appjwt-28-11-26"); // same kid, other key: a forgery
    app = TestIssuer.sign(key, TestIssuer.appClaims("5313846", T));
    consumer = TestIssuer.sign(key, TestIssuer.consumerClaims("5313846", "John_Doe_facebook12345"));
  }

  static ConnectorRequestVerifier verifier(Clock clock) {
    return ConnectorRequestVerifier.builder().jwkSet(TestIssuer.jwks(key)).clock(clock).build();
  }

  record Case(String name, String account, String authorization, String onBehalf, Integer errorCode) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Map<String, Object> app(Map<String, Object> changes) {
    Map<String, Object> c = TestIssuer.appClaims("5313846", T);
    changes.forEach((k, v) -> {
      if (v == null) {
        c.remove(k);
      } else {
        c.put(k, v);
      }
    });
    return c;
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Case> table() throws Exception {
    String[] p = app.split("\\.");
    String none = b64("{\"alg\":\"none\",\"kid\":\"appjwt-28-11-26\"}") + "." + p[1] + ".";
    String hs256 = TestIssuer.sign("appjwt-28-11-26", new MACSigner(new byte[32]), JWSAlgorithm.HS256, TestIssuer.appClaims("5313846", T));
    String otherKey = TestIssuer.sign(stranger, TestIssuer.appClaims("5313846", T));
    String unknownKid = TestIssuer.sign(TestIssuer.key("appjwt-01-01-99"), TestIssuer.appClaims("5313846", T));
    String consumerOtherKey = TestIssuer.sign(stranger, TestIssuer.consumerClaims("5313846", "x"));
    String consumerOtherAccount = TestIssuer.sign(key, TestIssuer.consumerClaims("le81823118", "x"));
    String consumerNoLp = TestIssuer.sign(key, Map.of("account_id", "5313846", "ext_consumer_id", "x"));
    return Stream.of(
        new Case("valid pair", "5313846", app, consumer, null),
        new Case("Bearer prefix on both", "5313846", "Bearer " + app, "bearer " + consumer, null),
        new Case("expired within the 30 s skew", "5313846", TestIssuer.sign(key, TestIssuer.appClaims("5313846", T - 3620)), consumer, null),
        new Case("no account", "", app, consumer, 40001),
        new Case("no Authorization", "5313846", null, consumer, 40105),
        new Case("empty Authorization", "5313846", "Bearer ", consumer, 40105),
        new Case("neither header", "5313846", null, null, 40105),
        new Case("no ConsumerJWS", "5313846", app, null, 40104),
        new Case("AppJWT not a JWS", "5313846", "abc", consumer, 40102),
        new Case("AppJWT garbage parts", "5313846", "a.b.c", consumer, 40102),
        new Case("AppJWT alg none", "5313846", none, consumer, 40102),
        new Case("AppJWT alg HS256", "5313846", hs256, consumer, 40102),
        new Case("AppJWT signed by another key", "5313846", otherKey, consumer, 40102),
        new Case("AppJWT unknown kid", "5313846", unknownKid, consumer, 40102),
        new Case("AppJWT expired", "5313846", TestIssuer.sign(key, TestIssuer.appClaims("5313846", T - 3631)), consumer, 40102),
        new Case("AppJWT wrong iss", "5313846", TestIssuer.sign(key, app(Map.of("iss", "Other"))), consumer, 40001),
        new Case("AppJWT of another account", "le81823118", app, consumer, 40001),
        new Case("AppJWT without msg.consumer", "5313846", TestIssuer.sign(key, app(Map.of("scope", "other"))), consumer, 40001),
        new Case("ConsumerJWS not a JWS", "5313846", app, "not-a-token", 40103),
        new Case("ConsumerJWS signed by another key", "5313846", app, consumerOtherKey, 40103),
        new Case("ConsumerJWS of another account", "5313846", app, consumerOtherAccount, 40103),
        new Case("ConsumerJWS without lp_consumer_id", "5313846", app, consumerNoLp, 40103),
        new Case("ConsumerJWS given as AppJWT", "5313846", consumer, consumer, 40102),
        new Case("AppJWT given as ConsumerJWS", "5313846", app, app, 40103));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void headerPairs_getTheDocumentedOutcome(Case c) {
    Verification v = verifier(new FakeClock()).verify(c.account(), c.authorization(), c.onBehalf());
    if (c.errorCode() == null) {
      assertThat(v).as(v.toString()).isInstanceOf(Identity.class);
      Identity id = (Identity) v;
      assertThat(id.accountId()).isEqualTo("5313846");
      assertThat(id.clientId()).isEqualTo("75588e18-0213-4e33-8174-883acac7e3c4");
      assertThat(id.scopes()).containsExactly("msg.consumer");
      assertThat(id.lpConsumerId()).hasSize(64);
    } else {
      assertThat(v).isInstanceOf(Rejection.class);
      assertThat(((Rejection) v).errorCode()).as(((Rejection) v).details()).isEqualTo(c.errorCode());
    }
  }

  @Test
  void missingAud_isMissingParameter() {
    String noAud = TestIssuer.sign(key, app(new java.util.HashMap<>(java.util.Collections.singletonMap("aud", null))));
    Verification v = verifier(new FakeClock()).verify("5313846", noAud, consumer);
    assertThat(((Rejection) v).errorCode()).isEqualTo(40001);
  }

  @Test
  void rejection_rendersTheExactSendApiBody() {
    Rejection r = (Rejection) verifier(new FakeClock()).verify("5313846", null, consumer);
    assertThat(r.httpStatus()).isEqualTo(401);
    assertThat(r.toJson()).isEqualTo("{\"kind\":\"resp\",\"code\":401,\"body\":{\"title\":\"AppJWT is missing\","
        + "\"details\":\"Authorization header with the AppJWT is missing\",\"errorCode\":40105},\"type\":\".ReqBody$ErrorResp\"}");
    assertThat(new Rejection(ErrorCode.INVALID_APP_JWT, "a \"q\" ü\n").toJson()).contains("\"details\":\"a \\\"q\\\" \\u00fc\\n\"");
  }

  @Test
  void headerLookup_acceptsBothOnBehalfNames() {
    ConnectorRequestVerifier v = verifier(new FakeClock());
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.put("authorization", app);
    h.put("lp-on-behalf", consumer);
    assertThat(v.verify("5313846", h::get)).isInstanceOf(Identity.class);
    h.remove("lp-on-behalf");
    h.put("x-lp-on-behalf", consumer);
    assertThat(v.verify("5313846", h::get)).isInstanceOf(Identity.class);
  }

  @Test
  void aPairSeenBefore_needsNoKeyLookupOrRsa_untilTheAppJwtExpires() {
    AtomicInteger lookups = new AtomicInteger();
    StaticKeys real = new StaticKeys(TestIssuer.jwks(key));
    VerificationKeys counting = new VerificationKeys() {
      @Override public java.security.PublicKey appKey(String kid) { lookups.incrementAndGet(); return real.appKey(kid); }
      @Override public java.security.PublicKey consumerKey(String kid) { lookups.incrementAndGet(); return real.consumerKey(kid); }
      @Override public boolean isPublished(String kid) { return real.isPublished(kid); }
    };
    FakeClock clock = new FakeClock();
    ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(counting).clock(clock).build();
    for (int i = 0; i < 100; i++) {
      assertThat(v.verify("5313846", app, consumer)).isInstanceOf(Identity.class);
    }
    assertThat(lookups.get()).isEqualTo(2);
    clock.now = NOW.plus(Duration.ofSeconds(3600 + 31));
    Verification expired = v.verify("5313846", app, consumer);
    assertThat(((Rejection) expired).errorCode()).isEqualTo(40102);
    assertThat(((Rejection) expired).details()).contains("expired");
  }

  @Test
  void cachedVerdict_isDroppedWhenItsKeyIsNoLongerPublished() {
    java.util.concurrent.atomic.AtomicBoolean published = new java.util.concurrent.atomic.AtomicBoolean(true);
    StaticKeys real = new StaticKeys(TestIssuer.jwks(key));
    VerificationKeys retiring = new VerificationKeys() {
      @Override public java.security.PublicKey appKey(String kid) { return published.get() ? real.appKey(kid) : null; }
      @Override public java.security.PublicKey consumerKey(String kid) { return published.get() ? real.consumerKey(kid) : null; }
      @Override public boolean isPublished(String kid) { return published.get() && real.isPublished(kid); }
    };
    ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(retiring).clock(new FakeClock()).build();
    assertThat(v.verify("5313846", app, consumer)).isInstanceOf(Identity.class);
    published.set(false);
    assertThat(((Rejection) v.verify("5313846", app, consumer)).errorCode()).isEqualTo(40102);
    String freshApp = TestIssuer.sign(TestIssuer.key("appjwt-other"), TestIssuer.appClaims("5313846", T));
    assertThat(((Rejection) v.verify("5313846", freshApp, consumer)).errorCode()).isEqualTo(40102);
  }

  @Test
  void noInput_makesItThrow() {
    ConnectorRequestVerifier v = verifier(new FakeClock());
    String[] junk = {null, "", " ", "Bearer", "a.b", "...", "e30.e30.e30", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "\u0000", "x".repeat(10_000)};
    for (String a : junk) {
      for (String c : junk) {
        assertThat(v.verify("5313846", a, c)).isInstanceOf(Rejection.class);
      }
    }
  }

  @Test
  void es256_isAcceptedWithAP256Key_andTheKeyDecidesTheAlgorithm() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair ec = g.generateKeyPair();
    com.nimbusds.jose.jwk.ECKey jwk = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
        (java.security.interfaces.ECPublicKey) ec.getPublic()).keyID("ec-1").build();
    com.nimbusds.jose.crypto.ECDSASigner signer = new com.nimbusds.jose.crypto.ECDSASigner((java.security.interfaces.ECPrivateKey) ec.getPrivate());
    String ecApp = TestIssuer.sign("ec-1", signer, JWSAlgorithm.ES256, TestIssuer.appClaims("5313846", T));
    String ecConsumer = TestIssuer.sign("ec-1", signer, JWSAlgorithm.ES256, TestIssuer.consumerClaims("5313846", "c"));
    ConnectorRequestVerifier v = ConnectorRequestVerifier.builder()
        .jwkSet(new com.nimbusds.jose.jwk.JWKSet(java.util.List.of(jwk, key.jwk()))).clock(new FakeClock()).build();
    assertThat(v.verify("5313846", ecApp, ecConsumer)).isInstanceOf(Identity.class);
    assertThat(v.verify("5313846", app, ecConsumer)).isInstanceOf(Identity.class);
    // HS256 made with the RSA kid, ES256 claimed for the RSA key: both refused
    String esOnRsaKid = TestIssuer.sign("appjwt-28-11-26", signer, JWSAlgorithm.ES256, TestIssuer.appClaims("5313846", T));
    assertThat(((Rejection) v.verify("5313846", esOnRsaKid, ecConsumer)).errorCode()).isEqualTo(40102);
  }

  @Test
  void accountFromPath_readsTheConnectorApiPath() {
    assertThat(ConnectorRequestVerifier.accountFromPath("/api/account/5313846/messaging/consumer/conversation?v=3")).isEqualTo("5313846");
    assertThat(ConnectorRequestVerifier.accountFromPath("/api/account/le81823118/messaging/consumer/conversation/send")).isEqualTo("le81823118");
    assertThat(ConnectorRequestVerifier.accountFromPath("/api/account/le81823118")).isEqualTo("le81823118");
    // not the start of the path, or not in normal form: no account, so 40001
    for (String bad : new String[] {
        "/gateway/authorize/api/account/le81823118/messaging",
        "/api/account/5313846/../le81823118/messaging",
        "/api/account/5313846/%2e%2e/le81823118/messaging",
        "/api/account/5313846/%2E./le81823118/messaging",
        "/api/account/5313846/..;/le81823118/messaging",
        "/api/account/5313846%2f..%2fle81823118/messaging",
        "/api/account/5313846%5c..%5cle81823118/messaging",
        "/api/account/5313846\\..\\le81823118/messaging",
        "/api/account/5313846//messaging",
        "/api/account/5313846/./messaging",
        "/api/account/5313846;x/messaging",
        "/api/account/53138%346/messaging",
        "/api/account/5313846 /messaging",
        "/api/account/" + "1".repeat(65) + "/messaging"}) {
      assertThat(ConnectorRequestVerifier.accountFromPath(bad)).as(bad).isNull();
    }
    assertThat(ConnectorRequestVerifier.accountFromPath("/api/account/")).isNull();
    assertThat(ConnectorRequestVerifier.accountFromPath("/health")).isNull();
    assertThat(ConnectorRequestVerifier.accountFromPath(null)).isNull();
  }
}
