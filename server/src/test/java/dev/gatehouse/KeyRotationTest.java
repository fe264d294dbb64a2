package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer.AppCredentials;
import dev.gatehouse.verifier.ConnectorRequestVerifier;
import dev.gatehouse.verifier.Identity;
import dev.gatehouse.verifier.Rejection;
import dev.gatehouse.verifier.RemoteJwks;
import dev.gatehouse.verifier.Verification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rotation that matters, seen by a verifier with a cached JWKS: it keeps accepting tokens
 * during the rotation, new tokens verify once it refreshes, old tokens verify until their key
 * retires, and fail with 40102 / 40103 after.
 */
class KeyRotationTest {
  static JsonArray keys(TestServer s) {
    return new JsonObject(s.admin("GET", "/admin/v1/keys", null).body()).getJsonArray("keys");
  }

  static String kidIn(JsonArray keys, String purpose, String state) {
    for (int i = 0; i < keys.size(); i++) {
      JsonObject k = keys.getJsonObject(i);
      if (k.getString("purpose").equals(purpose) && k.getString("state").equals(state)) {
        return k.getString("kid");
      }
    }
    return null;
  }

  static int code(Verification v) {
    return ((Rejection) v).errorCode();
  }

  @Test
  void rotation_neverBreaksAVerifierWithACachedJwks_andRetirementEndsOldTokens() {
    try (TestServer server = TestServer.start(b -> b.keyPublicationDelaySeconds(360).appKeyRotationDays(0))) {
      AppCredentials app = server.accountWithApp("5313846");
      String a1 = server.appJwt(app);
      String c1 = server.consumerJws("5313846", a1, "old-consumer");
      String oldApp = kidIn(keys(server), "app_token", "active");
      String oldConsumer = kidIn(keys(server), "consumer_token", "active");

      try (RemoteJwks jwks = RemoteJwks.builder(URI.create(server.base() + "/.well-known/jwks.json"))
          .clock(server.clock).backgroundRefresh(false)
          // unknown-kid refreshes run on the caller here, so the test can count them; by default they
          // run in the background and the caller is answered at once (RemoteJwksTest)
          .refreshExecutor(Runnable::run).build()) {
        ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(jwks).clock(server.clock).cacheSize(0).build();
        assertThat(v.verify("5313846", a1, c1)).isInstanceOf(Identity.class);
        int fetches = jwks.fetchCount();

        // rotate both rings: the new keys are published, the old ones keep signing
        HttpResponse<String> r = server.admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("purpose", "app_token"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(new JsonObject(r.body()).getString("state")).isEqualTo("next");
        assertThat(server.admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("purpose", "app_token")).statusCode()).isEqualTo(409);
        assertThat(server.admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("purpose", "consumer_token")).statusCode()).isEqualTo(201);
        assertThat(new JsonObject(server.get("/.well-known/jwks.json").body()).getJsonArray("keys")).hasSize(4);
        String during = server.appJwt(app);
        assertThat(TestServer.header(during).getString("kid")).isEqualTo(oldApp);
        assertThat(v.verify("5313846", during, c1)).isInstanceOf(Identity.class);
        assertThat(jwks.fetchCount()).isEqualTo(fetches); // nothing unknown, nothing fetched

        // after the publication delay the new keys sign; the old ones retire (app) or wait (consumer)
        server.clock.advance(Duration.ofSeconds(361));
        server.gatehouse().keyRotation().tick();
        assertThat(kidIn(keys(server), "app_token", "retiring")).isEqualTo(oldApp);
        assertThat(kidIn(keys(server), "consumer_token", "retiring")).isEqualTo(oldConsumer);
        String a2 = server.appJwt(app);
        String c2 = server.consumerJws("5313846", a2, "new-consumer");
        assertThat(TestServer.header(a2).getString("kid")).isNotEqualTo(oldApp);
        assertThat(TestServer.header(c2).getString("kid")).isNotEqualTo(oldConsumer);
        assertThat(v.verify("5313846", a2, c2)).isInstanceOf(Identity.class); // an unknown kid: one refresh
        assertThat(v.verify("5313846", a1, c1)).isInstanceOf(Identity.class); // old tokens still good
        assertThat(server.consumerJws("5313846", a1, "old-consumer")).isNotEqualTo(c1); // re-issued with the new key

        // retiring the old ConsumerJWS key needs force; then its tokens fail
        HttpResponse<String> refused = server.admin("POST", "/admin/v1/keys/" + oldConsumer + "/retire", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(refused.body()).getString("error_description")).contains("force");
        assertThat(server.admin("POST", "/admin/v1/keys/" + kidIn(keys(server), "app_token", "active") + "/retire", null).statusCode()).isEqualTo(409);
        assertThat(server.admin("POST", "/admin/v1/keys/" + oldConsumer + "/retire", new JsonObject().put("force", true)).statusCode()).isEqualTo(200);
        assertThat(server.admin("POST", "/admin/v1/keys/" + oldApp + "/retire", null).statusCode()).isEqualTo(200);
        jwks.refresh();
        assertThat(code(v.verify("5313846", a2, c1))).isEqualTo(40103);
        assertThat(code(v.verify("5313846", a1, c2))).isEqualTo(40102); // unexpired, but its key is gone
        assertThat(v.verify("5313846", a2, c2)).isInstanceOf(Identity.class);
        assertThat(server.consumer("5313846", a1, "{\"ext_consumer_id\":\"x\"}").statusCode()).isEqualTo(401);
        assertThat(new JsonObject(server.get("/.well-known/jwks.json").body()).getJsonArray("keys")).hasSize(2);
        assertThat(server.admin("GET", "/admin/v1/audit", null).body()).contains("key.rotate").contains("key.retire");
      }
    }
  }

  @Test
  void appKeys_rotateOnSchedule_andRetireOnceTheirLastTokenHasExpired() {
    try (TestServer server = TestServer.start(b -> b.keyPublicationDelaySeconds(360).appKeyRotationDays(30))) {
      String first = kidIn(keys(server), "app_token", "active");
      server.gatehouse().keyRotation().tick();
      assertThat(kidIn(keys(server), "app_token", "next")).isNull();
      server.clock.advance(Duration.ofDays(30));
      server.gatehouse().keyRotation().tick();
      String next = kidIn(keys(server), "app_token", "next");
      assertThat(next).isNotNull().isNotEqualTo(first);
      server.clock.advance(Duration.ofSeconds(360));
      server.gatehouse().keyRotation().tick();
      assertThat(kidIn(keys(server), "app_token", "active")).isEqualTo(next);
      assertThat(kidIn(keys(server), "app_token", "retiring")).isEqualTo(first);
      server.clock.advance(Duration.ofSeconds(3600 + 60));
      server.gatehouse().keyRotation().tick();
      assertThat(kidIn(keys(server), "app_token", "retired")).isEqualTo(first);
      List<String> published = new JsonObject(server.get("/.well-known/jwks.json").body()).getJsonArray("keys").stream()
          .map(k -> ((JsonObject) k).getString("kid")).toList();
      assertThat(published).contains(next).doesNotContain(first);
    }
  }
}
