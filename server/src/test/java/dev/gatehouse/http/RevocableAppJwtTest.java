package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import dev.gatehouse.keys.MasterKey;
import dev.gatehouse.store.Postgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Disabling an app, or cutting its secret off at once, refuses every AppJWT issued before: at the
 * IDP, the gateway and introspection, on every node, and still after the app is enabled again. New
 * tokens work.
 */
class RevocableAppJwtTest {
  static int idp(TestServer s, String appJwt, String account) {
    return s.consumer(account, appJwt, "{\"ext_consumer_id\":\"someone\"}").statusCode();
  }

  static int gateway(TestServer s, String appJwt, String consumer, String account) {
    return s.send(s.request("/gateway/authorize").header("X-Original-URI", "/api/account/" + account + "/messaging")
        .header("Authorization", appJwt).header("X-LP-ON-BEHALF", consumer).GET()).statusCode();
  }

  static boolean active(TestServer s, String token) {
    HttpResponse<String> r = s.post("/oauth/introspect", "application/x-www-form-urlencoded", "token=" + token,
        Map.of("Authorization", "Bearer " + TestServer.ADMIN_TOKEN));
    return new JsonObject(r.body()).getBoolean("active");
  }

  @Test
  void disablingAnApp_refusesItsEarlierAppJwts_evenAfterItIsEnabledAgain() {
    try (TestServer s = TestServer.start()) {
      AppCredentials app = s.accountWithApp("5313846");
      String before = s.appJwt(app);
      String consumer = s.consumerJws("5313846", before, "someone");
      assertThat(gateway(s, before, consumer, "5313846")).isEqualTo(200);
      s.clock.advance(Duration.ofSeconds(5));
      s.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/disable", null);
      s.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/enable", null);

      HttpResponse<String> r = s.consumer("5313846", before, "{\"ext_consumer_id\":\"someone\"}");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("issued before");
      assertThat(gateway(s, before, consumer, "5313846")).isEqualTo(401);
      assertThat(active(s, before)).isFalse();

      String after = s.appJwt(app);
      assertThat(idp(s, after, "5313846")).isEqualTo(201);
      assertThat(gateway(s, after, consumer, "5313846")).isEqualTo(200);
      assertThat(active(s, after)).isTrue();
    }
  }

  @Test
  void cuttingTheSecretOffAtOnce_refusesEarlierAppJwts_butAGracePeriodKeepsThem() {
    try (TestServer s = TestServer.start()) {
      AppCredentials app = s.accountWithApp("5313846");
      String t1 = s.appJwt(app);
      s.clock.advance(Duration.ofSeconds(5));
      HttpResponse<String> graceful = s.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/rotate-secret",
          new JsonObject().put("grace_seconds", 3600));
      assertThat(graceful.statusCode()).isEqualTo(200);
      assertThat(idp(s, t1, "5313846")).as("with a grace period, earlier tokens stay good").isEqualTo(201);

      s.clock.advance(Duration.ofSeconds(5));
      HttpResponse<String> now = s.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/rotate-secret",
          new JsonObject().put("grace_seconds", 0));
      assertThat(idp(s, t1, "5313846")).isEqualTo(401);
      AppCredentials fresh = new AppCredentials("5313846", app.clientId(), new JsonObject(now.body()).getString("client_secret"));
      assertThat(idp(s, s.appJwt(fresh), "5313846")).as("a token got right after the cut, in the same second").isEqualTo(201);
    }
  }

  @Test
  void aRevocationOnOneNode_isEnforcedOnAnother() throws Exception {
    try (Postgres.Schema schema = Postgres.freshSchema()) {
      String key = MasterKey.generate().encoded();
      try (TestServer a = TestServer.start(b -> b.db(schema.url()).masterKey(key));
           TestServer b = TestServer.start(c -> c.db(schema.url()).masterKey(key))) {
        AppCredentials app = a.accountWithApp("7300");
        String before = a.appJwt(app);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (idp(b, before, "7300") != 201 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(idp(b, before, "7300")).isEqualTo(201);
        a.clock.advance(Duration.ofSeconds(5));
        b.clock.advance(Duration.ofSeconds(5));
        a.admin("POST", "/admin/v1/accounts/7300/apps/" + app.clientId() + "/disable", null);
        a.admin("POST", "/admin/v1/accounts/7300/apps/" + app.clientId() + "/enable", null);
        while (idp(b, before, "7300") != 401 && System.nanoTime() < deadline + Duration.ofSeconds(15).toNanos()) {
          Thread.sleep(50);
        }
        assertThat(idp(b, before, "7300")).isEqualTo(401);
        // the disable reached B first; the enable follows it (changes propagate in order, but not at
        // once): B issues a new AppJWT once it has it, and that token is accepted
        long enabled = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        java.net.http.HttpResponse<String> fresh = appToken(b, app);
        while (fresh.statusCode() != 200 && System.nanoTime() < enabled) {
          Thread.sleep(50);
          fresh = appToken(b, app);
        }
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        assertThat(idp(b, new io.vertx.core.json.JsonObject(fresh.body()).getString("access_token"), "7300")).isEqualTo(201);
      }
    }
  }

  private static java.net.http.HttpResponse<String> appToken(TestServer s, AppCredentials app) {
    return s.post("/sentinel/api/account/" + app.accountId() + "/app/token?v=1.0", "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), java.util.Map.of());
  }
}
