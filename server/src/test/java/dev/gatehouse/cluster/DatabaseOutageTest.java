package dev.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import dev.gatehouse.keys.MasterKey;
import dev.gatehouse.store.Postgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A node whose PostgreSQL goes away (a TCP proxy the test cuts) keeps issuing tokens from memory,
 * keeps serving the JWKS and /health/live and /health/ready, says the admin side is not ready,
 * answers admin writes with 503, and writes the consumer records it queued once the database is
 * back.
 */
class DatabaseOutageTest {

  static void waitFor(String what, long seconds, BooleanSupplier ok) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }

  @Test
  void tokensKeepFlowingAdminWaitsAndQueuedRecordsArriveAfterwards() throws Exception {
    try (Postgres.Schema schema = Postgres.freshSchema()) {
      URI direct = URI.create(Postgres.BASE.substring("jdbc:".length()));
      try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort())) {
        String viaProxy = schema.url().replace(direct.getHost() + ":" + direct.getPort(), "127.0.0.1:" + proxy.port());
        assertThat(viaProxy).contains(":" + proxy.port());
        try (TestServer node = TestServer.start(b -> b.db(viaProxy).masterKey(MasterKey.generate().encoded()))) {
          AppCredentials app = node.accountWithApp("8001");
          String appJwt = node.appJwt(app);
          String before = node.consumerJws("8001", appJwt, "known-consumer");
          String jwks = node.get("/.well-known/jwks.json").body();
          waitFor("records written", 5, () -> count(schema, "SELECT count(*) FROM consumers") == 1);

          proxy.cut();
          waitFor("admin side reported not ready", 10, () -> node.get("/health/ready/admin").statusCode() == 503);
          HttpResponse<String> ready = node.get("/health/ready");
          assertThat(ready.statusCode()).as("the token side stays ready").isEqualTo(200);
          assertThat(new JsonObject(ready.body()).getString("store_status")).isEqualTo("down");
          assertThat(new JsonObject(ready.body()).getString("admin")).isEqualTo("unavailable");
          assertThat(node.get("/health/live").statusCode()).isEqualTo(200);

          // tokens: a new AppJWT, the known consumer's ConsumerJWS, and new consumers, all from memory
          String during = node.appJwt(app);
          assertThat(node.consumerJws("8001", during, "known-consumer")).isEqualTo(before);
          List<String> lps = new ArrayList<>();
          for (int i = 0; i < 40; i++) {
            lps.add(TestServer.claims(node.consumerJws("8001", during, "during-outage-" + i)).getString("lp_consumer_id"));
          }
          assertThat(node.get("/.well-known/jwks.json").body()).isEqualTo(jwks);

          // admin writes: 503 with a clear error, in seconds
          long start = System.nanoTime();
          HttpResponse<String> create = node.admin("POST", "/admin/v1/accounts/8001/apps", new JsonObject().put("name", "late"));
          long tookMs = (System.nanoTime() - start) / 1_000_000;
          assertThat(create.statusCode()).as(create.body()).isEqualTo(503);
          assertThat(new JsonObject(create.body()).getString("error")).isEqualTo("store_unavailable");
          assertThat(create.headers().firstValue("Retry-After")).contains("5");
          assertThat(tookMs).as("answered within the pool's connection timeout, not hanging").isLessThan(15_000);
          HttpResponse<String> disable = node.admin("POST", "/admin/v1/accounts/8001/apps/" + app.clientId() + "/disable", null);
          assertThat(disable.statusCode()).isEqualTo(503);
          // the failed disable changed nothing on this node either
          assertThat(node.appJwt(app)).isNotBlank();
          assertThat(count(schema, "SELECT count(*) FROM consumers")).as("nothing reached the database yet").isEqualTo(1);

          proxy.restore();
          waitFor("admin side ready again", 15, () -> node.get("/health/ready/admin").statusCode() == 200);
          waitFor("queued consumer records written", 15, () -> count(schema, "SELECT count(*) FROM consumers") == 41);
          for (String lp : lps) {
            assertThat(count(schema, "SELECT count(*) FROM consumers WHERE lp_consumer_id = decode('" + lp + "', 'hex')")).isEqualTo(1);
          }
          assertThat(node.admin("POST", "/admin/v1/accounts/8001/apps/" + app.clientId() + "/disable", null).statusCode()).isEqualTo(200);
          assertThat(count(schema, "SELECT count(*) FROM apps WHERE enabled = false")).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void pastMaxStaleness_theNodeFailsClosed_andReportsNotReady_untilTheStoreIsBack() throws Exception {
    try (Postgres.Schema schema = Postgres.freshSchema()) {
      URI direct = URI.create(Postgres.BASE.substring("jdbc:".length()));
      try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort())) {
        String viaProxy = schema.url().replace(direct.getHost() + ":" + direct.getPort(), "127.0.0.1:" + proxy.port());
        try (TestServer node = TestServer.start(b -> b.db(viaProxy).masterKey(MasterKey.generate().encoded()).maxStalenessSeconds(3))) {
          AppCredentials app = node.accountWithApp("8002");
          String appJwt = node.appJwt(app);
          String consumer = node.consumerJws("8002", appJwt, "someone");
          assertThat(new JsonObject(node.get("/health/ready").body()).getString("view")).isEqualTo("current");

          proxy.cut();
          waitFor("the view reported stale", 20, () -> node.get("/health/ready").statusCode() == 503);
          assertThat(new JsonObject(node.get("/health/ready").body()).getString("view")).isEqualTo("stale");
          HttpResponse<String> idp = node.consumer("8002", appJwt, "{\"ext_consumer_id\":\"someone\"}");
          assertThat(idp.statusCode()).as(idp.body()).isEqualTo(503);
          assertThat(idp.headers().firstValue("Retry-After")).isPresent();
          assertThat(new JsonObject(idp.body()).getString("error")).isEqualTo("temporarily_unavailable");
          HttpResponse<String> token = node.post("/sentinel/api/account/8002/app/token?grant_type=client_credentials",
              "application/x-www-form-urlencoded", "client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), java.util.Map.of());
          assertThat(token.statusCode()).isEqualTo(503);
          HttpResponse<String> gw = node.send(node.request("/gateway/authorize").header("X-Original-URI", "/api/account/8002/messaging")
              .header("Authorization", appJwt).header("X-LP-ON-BEHALF", consumer).GET());
          assertThat(gw.statusCode()).isEqualTo(503);
          HttpResponse<String> intro = node.post("/oauth/introspect", "application/x-www-form-urlencoded", "token=" + appJwt,
              java.util.Map.of("Authorization", "Bearer " + TestServer.ADMIN_TOKEN));
          assertThat(intro.statusCode()).isEqualTo(503);
          assertThat(node.get("/health/live").statusCode()).isEqualTo(200);

          proxy.restore();
          waitFor("ready again", 20, () -> node.get("/health/ready").statusCode() == 200);
          assertThat(node.consumer("8002", appJwt, "{\"ext_consumer_id\":\"someone\"}").statusCode()).isEqualTo(201);
        }
      }
    }
  }

  static long count(Postgres.Schema schema, String sql) {
    try {
      return schema.count(sql);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
