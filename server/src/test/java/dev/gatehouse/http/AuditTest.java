package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Every admin action lands in the audit log, newest first, paged, and nothing secret is in it. */
class AuditTest {
  @Test
  void adminActions_areRecorded_withoutSecrets() {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      server.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/disable", null);
      server.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/enable", null);
      String fresh = new JsonObject(server.admin("POST", "/admin/v1/accounts/5313846/apps/" + app.clientId() + "/rotate-secret", null).body())
          .getString("client_secret");
      server.admin("POST", "/admin/v1/accounts", new JsonObject().put("id", "5313846")); // 409: not an action that happened

      String body = server.admin("GET", "/admin/v1/audit", null).body();
      JsonArray entries = new JsonObject(body).getJsonArray("entries");
      assertThat(entries.stream().map(e -> ((JsonObject) e).getString("action")).toList())
          .containsExactly("app.rotate-secret", "app.enable", "app.disable", "app.create", "account.create");
      JsonObject create = entries.getJsonObject(3);
      assertThat(create.getString("target")).isEqualTo("app/" + app.clientId());
      assertThat(create.getString("actor")).matches("admin:[0-9a-f]{12}");
      assertThat(create.getString("at")).isEqualTo("2026-11-28T12:00:00Z");
      assertThat(body).doesNotContain(app.clientSecret()).doesNotContain(fresh).doesNotContain(TestServer.ADMIN_TOKEN);

      JsonObject page = new JsonObject(server.admin("GET", "/admin/v1/audit?limit=2", null).body());
      assertThat(page.getJsonArray("entries")).hasSize(2);
      JsonObject next = new JsonObject(server.admin("GET", "/admin/v1/audit?limit=2&before=" + page.getLong("next_before"), null).body());
      assertThat(next.getJsonArray("entries").getJsonObject(0).getString("action")).isEqualTo("app.disable");
      assertThat(server.admin("GET", "/admin/v1/audit?limit=0", null).statusCode()).isEqualTo(400);
      assertThat(server.admin("GET", "/admin/v1/audit?before=x", null).statusCode()).isEqualTo(400);
    }
  }
}
