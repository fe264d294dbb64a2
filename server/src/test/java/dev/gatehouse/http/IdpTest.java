package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.IndependentVerifier;
import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The IDP's ConsumerJWS endpoint as real clients call it (SPEC A3). */
@org.junit.jupiter.api.extension.ExtendWith(TestServer.PerClass.class)
class IdpTest {
  static TestServer server;
  static AppCredentials app;
  static String appJwt;

  @BeforeAll
  static void start(TestServer s) {
    server = s;
    app = server.accountWithApp("le81823118");
    appJwt = server.appJwt(app);
  }


  @Test
  void rawAppJwt_getsA201WithExactlyTheThreeDocumentedClaims() {
    HttpResponse<String> r = server.consumer("le81823118", appJwt, "{\"ext_consumer_id\":\"John_Doe_facebook12345\"}");
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json;charset=utf-8");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.fieldNames()).containsExactly("token");
    String jws = body.getString("token");
    JsonObject h = TestServer.header(jws);
    assertThat(h.fieldNames()).containsExactlyInAnyOrder("kid", "typ", "alg");
    assertThat(h.getString("alg")).isEqualTo("RS256");
    assertThat(h.getString("kid")).startsWith("appjwt-");
    JsonObject c = TestServer.claims(jws);
    assertThat(c.fieldNames()).containsExactly("account_id", "ext_consumer_id", "lp_consumer_id");
    assertThat(c.getString("account_id")).isEqualTo("le81823118");
    assertThat(c.getString("ext_consumer_id")).isEqualTo("John_Doe_facebook12345");
    assertThat(c.getString("lp_consumer_id")).matches("[0-9a-f]{64}");
    assertThat(IndependentVerifier.verifies(jws, server.get("/.well-known/jwks.json").body())).isTrue();
  }

  @Test
  void bearerPrefix_andNoVersionParameter_areAccepted() {
    HttpResponse<String> r = server.post("/api/account/le81823118/consumer", "application/json; charset=UTF-8",
        "{\"ext_consumer_id\":\"x\"}", Map.of("Authorization", "Bearer " + appJwt));
    assertThat(r.statusCode()).isEqualTo(201);
    HttpResponse<String> lower = server.post("/api/account/le81823118/consumer", "application/json",
        "{\"ext_consumer_id\":\"x\"}", Map.of("Authorization", "bearer " + appJwt));
    assertThat(lower.statusCode()).isEqualTo(201);
  }

  @Test
  void sameConsumer_getsTheSameLpConsumerId_andAnIdenticalToken() {
    String a = server.consumerJws("le81823118", appJwt, "same-person");
    String b = server.consumerJws("le81823118", server.appJwt(app), "same-person");
    assertThat(TestServer.claims(a).getString("lp_consumer_id")).isEqualTo(TestServer.claims(b).getString("lp_consumer_id"));
    assertThat(a).isEqualTo(b); // no time claims, deterministic RS256
  }

  @Test
  void differentConsumers_getDifferentIds_thatDoNotRevealTheExternalId() {
    String a = TestServer.claims(server.consumerJws("le81823118", appJwt, "alice")).getString("lp_consumer_id");
    String b = TestServer.claims(server.consumerJws("le81823118", appJwt, "bob")).getString("lp_consumer_id");
    assertThat(a).isNotEqualTo(b);
    assertThat(a).isNotEqualTo(sha256Hex("alice"));
  }

  @Test
  void sameExternalId_onAnotherAccount_getsAnotherLpConsumerId() {
    AppCredentials other = server.accountWithApp("5313846");
    String here = TestServer.claims(server.consumerJws("le81823118", appJwt, "+15551234567")).getString("lp_consumer_id");
    String there = TestServer.claims(server.consumerJws("5313846", server.appJwt(other), "+15551234567")).getString("lp_consumer_id");
    assertThat(here).isNotEqualTo(there);
  }

  @Test
  void unicodeExternalIds_upTo256Characters_areAccepted() {
    String id = "ü".repeat(200) + "😀".repeat(56); // 256 code points
    String jws = server.consumerJws("le81823118", appJwt, id);
    assertThat(TestServer.claims(jws).getString("ext_consumer_id")).isEqualTo(id);
  }

  private static String sha256Hex(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

}
