package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Named operator tokens: made and revoked through the admin API without a restart, each with a role
 * that decides what it may do; the audit names the token, never its value.
 */
class OperatorTokensTest {
  static HttpResponse<String> as(TestServer s, String token, String method, String path, String json) {
    HttpRequest.Builder rb = s.request(path).header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    rb.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return s.send(rb);
  }

  static JsonObject create(TestServer s, String name, String role) {
    HttpResponse<String> r = s.admin("POST", "/admin/v1/tokens", new JsonObject().put("name", name).put("role", role));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body());
  }

  @Test
  void eachRole_mayDoWhatItSays_andNothingElse() {
    try (TestServer s = TestServer.start()) {
      AppCredentials app = s.accountWithApp("5313846");
      String appJwt = s.appJwt(app);
      String read = create(s, "dashboard", "read").getString("token");
      String intro = create(s, "messaging gateway", "introspect").getString("token");
      JsonObject adminMade = create(s, "second operator", "admin");
      String admin = adminMade.getString("token");

      assertThat(as(s, read, "GET", "/admin/v1/accounts", null).statusCode()).isEqualTo(200);
      HttpResponse<String> write = as(s, read, "POST", "/admin/v1/accounts", "{\"id\":\"777\"}");
      assertThat(write.statusCode()).isEqualTo(403);
      assertThat(write.body()).contains("read");
      assertThat(as(s, intro, "GET", "/admin/v1/accounts", null).statusCode()).isEqualTo(403);
      assertThat(as(s, admin, "POST", "/admin/v1/accounts", "{\"id\":\"778\"}").statusCode()).isEqualTo(201);

      HttpResponse<String> i = s.post("/oauth/introspect", "application/x-www-form-urlencoded", "token=" + appJwt, Map.of("Authorization", "Bearer " + intro));
      assertThat(i.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(i.body()).getBoolean("active")).isTrue();
      assertThat(s.post("/oauth/introspect", "application/x-www-form-urlencoded", "token=" + appJwt, Map.of("Authorization", "Bearer " + read))
          .statusCode()).isEqualTo(403);

      // the list never shows a value; revoking takes effect at once
      String list = s.admin("GET", "/admin/v1/tokens", null).body();
      assertThat(list).contains("dashboard").doesNotContain(read).doesNotContain(admin);
      assertThat(s.admin("DELETE", "/admin/v1/tokens/" + adminMade.getString("id"), null).statusCode()).isEqualTo(200);
      assertThat(as(s, admin, "GET", "/admin/v1/accounts", null).statusCode()).isEqualTo(401);
      assertThat(s.admin("DELETE", "/admin/v1/tokens/" + adminMade.getString("id"), null).statusCode()).isEqualTo(404);

      String audit = s.admin("GET", "/admin/v1/audit", null).body();
      assertThat(audit).contains("token:second operator(").contains("\"action\":\"token.create\"").contains("\"action\":\"token.revoke\"")
          .doesNotContain(admin).doesNotContain(read).doesNotContain(intro);
    }
  }

  @Test
  void tokensSurviveARestart_andABadRoleIsA400() {
    try (TestServer s = TestServer.start()) {
      String read = create(s, "dashboard", "read").getString("token");
      s.restart();
      assertThat(as(s, read, "GET", "/admin/v1/accounts", null).statusCode()).isEqualTo(200);
      HttpResponse<String> bad = s.admin("POST", "/admin/v1/tokens", new JsonObject().put("name", "x").put("role", "root"));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("admin, read or introspect");
    }
  }
}
