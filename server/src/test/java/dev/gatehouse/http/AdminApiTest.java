package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin API: authentication, accounts, apps, and secrets shown once. */
@org.junit.jupiter.api.extension.ExtendWith(TestServer.PerClass.class)
class AdminApiTest {
  static TestServer server;

  @BeforeAll
  static void start(TestServer s) {
    server = s;
  }


  @Test
  void withoutOrWithAWrongToken_everyAdminCallIs401() {
    HttpResponse<String> none = server.send(server.request("/admin/v1/accounts").GET());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(none.body()).getString("error")).isEqualTo("unauthorized");
    HttpResponse<String> wrong = server.send(server.request("/admin/v1/accounts").header("Authorization", "Bearer nope").GET());
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<String> create = server.send(server.request("/admin/v1/accounts").header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN + "x")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"777\"}")));
    assertThat(create.statusCode()).isEqualTo(401);
    assertThat(server.admin("GET", "/admin/v1/accounts/777", null).statusCode()).isEqualTo(404);
  }

  @Test
  void account_createdOnce_thenConflict_andListed() {
    HttpResponse<String> r = server.admin("POST", "/admin/v1/accounts", new JsonObject().put("id", "acme-1").put("name", "Acme"));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(r.body()).getString("name")).isEqualTo("Acme");
    HttpResponse<String> again = server.admin("POST", "/admin/v1/accounts", new JsonObject().put("id", "acme-1"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(again.body()).getString("error_description")).contains("acme-1");
    assertThat(server.admin("GET", "/admin/v1/accounts/acme-1", null).statusCode()).isEqualTo(200);
    assertThat(server.admin("GET", "/admin/v1/accounts", null).body()).contains("\"acme-1\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "slash/no", "dot.no", "ümlaut", "12345678901234567890123456789012345678901234567890123456789012345"})
  void invalidAccountIds_are400(String id) {
    HttpResponse<String> r = server.admin("POST", "/admin/v1/accounts", new JsonObject().put("id", id));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("error_description")).contains("account id");
  }

  @Test
  void accountBody_wrongShapes_are400NamingTheField() {
    assertThat(new JsonObject(server.admin("POST", "/admin/v1/accounts", new JsonObject()).body()).getString("error_description")).contains("id is missing");
    assertThat(new JsonObject(server.admin("POST", "/admin/v1/accounts", new JsonObject().put("id", 5)).body()).getString("error_description")).contains("id must be a string");
    assertThat(new JsonObject(server.admin("POST", "/admin/v1/accounts", new JsonObject().put("id", "n1").put("name", "x".repeat(300))).body()).getString("error_description")).contains("name");
  }

  @Test
  void app_secretIsShownOnce_neverListed_andDisableTakesEffect() {
    server.createAccount("5313846");
    HttpResponse<String> r = server.admin("POST", "/admin/v1/accounts/5313846/apps", new JsonObject().put("name", "SMS connector"));
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject app = new JsonObject(r.body());
    String secret = app.getString("client_secret");
    assertThat(app.getString("client_id")).matches("[0-9a-f-]{36}");
    assertThat(app.getBoolean("enabled")).isTrue();
    assertThat(app.getString("scope")).isEqualTo("msg.consumer");
    assertThat(secret).matches("[A-Za-z0-9_-]{43}"); // 256 bits
    String path = "/admin/v1/accounts/5313846/apps/" + app.getString("client_id");
    assertThat(server.admin("GET", path, null).body()).doesNotContain(secret).doesNotContain("client_secret");
    assertThat(server.admin("GET", "/admin/v1/accounts/5313846/apps", null).body()).doesNotContain(secret).contains(app.getString("client_id"));

    HttpResponse<String> off = server.admin("POST", path + "/disable", null);
    assertThat(new JsonObject(off.body()).getBoolean("enabled")).isFalse();
    assertThat(new JsonObject(server.admin("GET", path, null).body()).getBoolean("enabled")).isFalse();
    assertThat(new JsonObject(server.admin("POST", path + "/enable", null).body()).getBoolean("enabled")).isTrue();
  }

  @Test
  void app_onUnknownAccountOrUnknownId_is404() {
    assertThat(server.admin("POST", "/admin/v1/accounts/nobody/apps", new JsonObject().put("name", "x")).statusCode()).isEqualTo(404);
    server.createAccount("a404");
    assertThat(server.admin("GET", "/admin/v1/accounts/a404/apps/00000000-0000-0000-0000-000000000000", null).statusCode()).isEqualTo(404);
    assertThat(server.admin("POST", "/admin/v1/accounts/a404/apps/not-a-uuid/disable", null).statusCode()).isEqualTo(404);
    assertThat(server.admin("POST", "/admin/v1/accounts/a404/apps", new JsonObject()).statusCode()).isEqualTo(400);
    assertThat(server.admin("POST", "/admin/v1/accounts/a404/apps", new JsonObject().put("name", "x").put("scope", "bad\"scope")).statusCode()).isEqualTo(400);
  }
}
