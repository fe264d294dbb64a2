package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a real {@code serve} process writes: with {@code --log-format json} every line is one JSON
 * object with ECS fields, the access log carries what an operator needs, and no secret, token or
 * external consumer id appears anywhere, however a client sends them.
 */
class LogsTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void jsonLogs_areOneEcsObjectPerLine_withAnAccessEventPerRequest_andNoSecrets() throws Exception {
    Path data = Files.createTempDirectory("gatehouse-logs").resolve("data");
    String secret;
    String appJwt;
    String jws;
    String ext = "john.doe+private@example.com";
    String out;
    // as bin/gatehouse does: on JDK 22+ the JVM itself would warn on stderr about the native signing library
    List<String> jvm = Runtime.version().feature() >= 22 ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
    try (ServeProcess s = ServeProcess.start(data, jvm, Map.of(), "--log-format", "json", "--access-log", "--log-level", "INFO")) {
      assertThat(s.admin(http, "POST", "/admin/v1/accounts", "{\"id\":\"6001\"}").statusCode()).isEqualTo(201);
      JsonObject app = new JsonObject(s.admin(http, "POST", "/admin/v1/accounts/6001/apps", "{\"name\":\"logs\"}").body());
      secret = app.getString("client_secret");
      String cid = app.getString("client_id");
      // the secret in the query string, as the demo app sends it
      HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(s.base() + "/sentinel/api/account/6001/app/token?v=1.0&grant_type=client_credentials"
          + "&client_id=" + cid + "&client_secret=" + secret)).header("X-Request-Id", "req-42").header("User-Agent", "connector/1.0")
          .POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(token.headers().firstValue("X-Request-Id")).contains("req-42");
      appJwt = new JsonObject(token.body()).getString("access_token");
      jws = new JsonObject(send(HttpRequest.newBuilder(URI.create(s.base() + "/api/account/6001/consumer?v=1.0")).header("Authorization", appJwt)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"ext_consumer_id\":\"" + ext + "\"}"))).body())
          .getString("token");
      // refused attempts: a wrong secret, a bad token
      send(HttpRequest.newBuilder(URI.create(s.base() + "/sentinel/api/account/6001/app/token?v=1.0")).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + cid + "&client_secret=" + secret + "x")));
      send(HttpRequest.newBuilder(URI.create(s.base() + "/api/account/6001/consumer?v=1.0")).header("Authorization", appJwt + "x")
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"ext_consumer_id\":\"" + ext + "\"}")));
      HttpResponse<String> made = send(HttpRequest.newBuilder(URI.create(s.base() + "/health/live")));
      assertThat(made.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{16}");
      s.await("/health/live", 10);
      out = s.output();
    }
    assertThat(out).isNotBlank();
    List<JsonObject> events = out.lines().filter(l -> !l.isBlank()).map(l -> {
      try {
        return new JsonObject(l);
      } catch (RuntimeException e) {
        throw new AssertionError("not one JSON object: " + l, e);
      }
    }).toList();
    assertThat(events).allSatisfy(e -> assertThat(e.fieldNames()).contains("@timestamp", "log.level", "message", "service.name", "log.logger"));
    JsonObject access = events.stream().filter(e -> "gatehouse.access".equals(e.getString("log.logger")) && "req-42".equals(e.getString("http.request.id")))
        .findFirst().orElseThrow();
    assertThat(access.getString("http.request.method")).isEqualTo("POST");
    assertThat(access.getString("url.path")).isEqualTo("/sentinel/api/account/6001/app/token");
    assertThat(access.getString("http.response.status_code")).isEqualTo("200");
    assertThat(access.getString("client.ip")).isEqualTo("127.0.0.1");
    assertThat(access.getString("user_agent.original")).isEqualTo("connector/1.0");
    assertThat(access.getString("gatehouse.account_id")).isEqualTo("6001");
    assertThat(access.getString("gatehouse.client_id")).matches("[0-9a-f-]{36}");
    assertThat(Long.parseLong(access.getString("http.response.body.bytes"))).isPositive();
    assertThat(Long.parseLong(access.getString("event.duration"))).isPositive();
    assertThat(out).doesNotContain(secret).doesNotContain(appJwt).doesNotContain(jws).doesNotContain(ext)
        .doesNotContain(appJwt.substring(appJwt.lastIndexOf('.') + 1)).doesNotContain(TestServer.ADMIN_TOKEN);
  }
}
