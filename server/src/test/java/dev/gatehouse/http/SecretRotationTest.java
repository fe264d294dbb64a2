package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rotating an app's secret: a grace period for the old one, or cut it off at once. */
class SecretRotationTest {
  static int tokenStatus(TestServer server, String clientId, String secret) {
    return server.post("/sentinel/api/account/5313846/app/token?grant_type=client_credentials", "application/x-www-form-urlencoded",
        "client_id=" + clientId + "&client_secret=" + secret, Map.of()).statusCode();
  }

  static JsonObject rotate(TestServer server, AppCredentials app, JsonObject body) {
    HttpResponse<String> r = server.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/rotate-secret", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  @Test
  void oldSecret_keepsWorkingThroughTheGracePeriod_alsoAfterARestart_thenStops() {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      JsonObject rotated = rotate(server, app, null);
      String fresh = rotated.getString("client_secret");
      assertThat(fresh).hasSize(43).isNotEqualTo(app.clientSecret());
      assertThat(rotated.getString("previous_secret_expires_at")).isEqualTo("2026-11-29T12:00:00Z"); // 24 h after the test clock
      assertThat(server.admin("GET", "/admin/v1/accounts/5313846/apps/" + app.clientId(), null).body())
          .doesNotContain(fresh).doesNotContain(app.clientSecret());

      server.restart();
      assertThat(tokenStatus(server, app.clientId(), app.clientSecret())).isEqualTo(200);
      assertThat(tokenStatus(server, app.clientId(), fresh)).isEqualTo(200);

      server.clock.advance(Duration.ofHours(24).plusSeconds(1));
      assertThat(tokenStatus(server, app.clientId(), app.clientSecret())).isEqualTo(401);
      assertThat(tokenStatus(server, app.clientId(), fresh)).isEqualTo(200);
    }
  }

  @Test
  void graceZero_cutsTheOldSecretOffAtOnce_andBadGraceIsRefused() {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      JsonObject rotated = rotate(server, app, new JsonObject().put("grace_seconds", 0));
      assertThat(rotated.getValue("previous_secret_expires_at")).isNull();
      assertThat(tokenStatus(server, app.clientId(), app.clientSecret())).isEqualTo(401);
      assertThat(tokenStatus(server, app.clientId(), rotated.getString("client_secret"))).isEqualTo(200);

      for (Object bad : new Object[] {-1, "1h", 1.5, 99_999_999}) {
        HttpResponse<String> r = server.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/rotate-secret",
            new JsonObject().put("grace_seconds", bad));
        assertThat(r.statusCode()).as(String.valueOf(bad)).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error_description")).contains("grace_seconds");
      }
      // and nothing changed: the secret from the rotation still works
      assertThat(tokenStatus(server, app.clientId(), rotated.getString("client_secret"))).isEqualTo(200);
      assertThat(server.admin("POST", "/admin/v1/accounts/5313846/apps/00000000-0000-0000-0000-000000000000/rotate-secret", null).statusCode()).isEqualTo(404);
    }
  }
}
