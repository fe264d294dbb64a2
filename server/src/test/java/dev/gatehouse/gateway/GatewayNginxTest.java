package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real nginx, running the shipped {@code deploy/nginx/gateway.conf}, in front of a small upstream,
 * asking Gatehouse with {@code auth_request}. What the client sees is what is asserted.
 */
class GatewayNginxTest {
  static TestServer server;
  static HttpServer upstream;
  static dev.gatehouse.Nginx nginx;
  static int nginxPort;
  static AppCredentials app;
  static AppCredentials other;
  static final java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    dev.gatehouse.Nginx.assumeInstalled();
    server = TestServer.start();
    app = server.accountWithApp("5313846");
    other = server.accountWithApp("le81823118");

    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      JsonObject seen = new JsonObject().put("path", ex.getRequestURI().toString());
      for (String h : new String[] {"X-Gatehouse-Account", "X-Gatehouse-Client-Id", "X-Gatehouse-Lp-Consumer-Id", "X-Gatehouse-Ext-Consumer-Id"}) {
        seen.put(h, ex.getRequestHeaders().getFirst(h));
      }
      for (String h : new String[] {"Authorization", "X-LP-ON-BEHALF", "LP-On-Behalf"}) {
        if (ex.getRequestHeaders().containsKey(h)) {
          seen.put("raw " + h, ex.getRequestHeaders().get(h).toString());
        }
      }
      hits.incrementAndGet();
      seen.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] b = seen.encode().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    upstream.start();

    nginxPort = freePort();
    String conf = dev.gatehouse.Nginx.shipped("gateway.conf")
        .replace("127.0.0.1:8080", "127.0.0.1:" + server.gatehouse().port())
        .replace("127.0.0.1:9000", "127.0.0.1:" + upstream.getAddress().getPort())
        .replace("listen 127.0.0.1:8443;", "listen 127.0.0.1:" + nginxPort + ";");
    assertThat(conf).contains(":" + server.gatehouse().port()).contains(":" + nginxPort);
    nginx = dev.gatehouse.Nginx.start(conf, nginxPort);
  }

  @AfterAll
  static void stop() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    if (server != null) {
      server.close();
    }
  }

  static int freePort() throws Exception {
    return dev.gatehouse.Nginx.freePort();
  }

  static HttpResponse<String> send(String account, Map<String, String> headers) throws Exception {
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort + "/api/account/" + account + "/messaging/consumer/conversation/send?v=3"))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"req\",\"type\":\"ms.PublishEvent\"}"))
        .header("Content-Type", "application/json");
    headers.forEach(rb::header);
    return http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
  }

  static int errorCode(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    JsonObject j = new JsonObject(r.body());
    assertThat(j.getString("kind")).isEqualTo("resp");
    assertThat(j.getInteger("code")).isEqualTo(401);
    assertThat(j.getString("type")).isEqualTo(".ReqBody$ErrorResp");
    return j.getJsonObject("body").getInteger("errorCode");
  }

  @Test
  void validPair_reachesTheUpstream_withTheIdentityHeaders_andNotForgedOnes() throws Exception {
    String appJwt = server.appJwt(app);
    String consumer = server.consumerJws("5313846", appJwt, "+1 555 0100 ü");
    HttpResponse<String> r = send("5313846", Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", consumer, "X-Gatehouse-Account", "le81823118"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject seen = new JsonObject(r.body());
    assertThat(seen.getString("path")).isEqualTo("/api/account/5313846/messaging/consumer/conversation/send?v=3");
    assertThat(seen.getString("X-Gatehouse-Account")).isEqualTo("5313846");
    assertThat(seen.getString("X-Gatehouse-Client-Id")).isEqualTo(app.clientId());
    assertThat(seen.getString("X-Gatehouse-Lp-Consumer-Id")).isEqualTo(TestServer.claims(consumer).getString("lp_consumer_id"));
    assertThat(seen.getString("X-Gatehouse-Ext-Consumer-Id")).isEqualTo("+1 555 0100 %C3%BC");
    assertThat(seen.getString("body")).contains("ms.PublishEvent");
    assertThat(seen.fieldNames()).as("raw token headers reach the backend").noneMatch(f -> f.startsWith("raw "));
  }

  /** A request on a raw socket, so that no client library normalizes the path first. */
  static String raw(String path, String headers) throws Exception {
    try (Socket s = new Socket("127.0.0.1", nginxPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "/api/account/5313846/../le81823118/messaging/consumer/conversation",
      "/api/account/5313846/%2e%2e/le81823118/messaging/consumer/conversation",
      "/api/account/5313846/%2E%2E/le81823118/messaging/consumer/conversation",
      "/api/account/5313846/..;/le81823118/messaging/consumer/conversation",
      "/api/account/5313846%2f..%2fle81823118/messaging/consumer/conversation",
      "/api/account/5313846/.%2e/le81823118/messaging",
      "/api/account/5313846/./messaging",
      "/api/account/5313846//messaging",
      "/api/account/5313846;x=1/messaging",
      "/api/account/5313846\\..\\le81823118/messaging",
  })
  void aUriNotInNormalForm_isRefusedWith40001_andNeverReachesTheBackend(String path) throws Exception {
    String appJwt = server.appJwt(app);
    String consumer = server.consumerJws("5313846", appJwt, "someone");
    int before = hits.get();
    String r = raw(path, "Authorization: " + appJwt + "\r\nX-LP-ON-BEHALF: " + consumer + "\r\n");
    assertThat(r).as(path).doesNotStartWith("HTTP/1.1 200");
    if (r.startsWith("HTTP/1.1 401")) {
      assertThat(r).contains("\"errorCode\":40001");
    }
    assertThat(hits.get()).as("backend hits for " + path).isEqualTo(before);
  }

  @Test
  void tokenHeadersGivenTwice_areRefused_andNeverReachTheBackend() throws Exception {
    String appJwt = server.appJwt(app);
    String consumer = server.consumerJws("5313846", appJwt, "someone");
    String otherAppJwt = server.appJwt(other);
    String otherConsumer = server.consumerJws("le81823118", otherAppJwt, "someone");
    String path = "/api/account/5313846/messaging/consumer/conversation";
    int before = hits.get();
    assertThat(raw(path, "Authorization: " + appJwt + "\r\nX-LP-ON-BEHALF: " + consumer + "\r\nX-LP-ON-BEHALF: " + otherConsumer + "\r\n"))
        .startsWith("HTTP/1.1 401").contains("\"errorCode\":40103");
    assertThat(raw(path, "Authorization: " + appJwt + "\r\nX-LP-ON-BEHALF: " + consumer + "\r\nLP-On-Behalf: " + consumer + "\r\n"))
        .startsWith("HTTP/1.1 401").contains("\"errorCode\":40103");
    // two Authorization headers: nginx itself answers 400 before asking; Gatehouse would say 40102
    assertThat(raw(path, "Authorization: " + appJwt + "\r\nAuthorization: " + otherAppJwt + "\r\nX-LP-ON-BEHALF: " + consumer + "\r\n"))
        .matches("(?s)HTTP/1.1 (400|401 .*\"errorCode\":40102).*");
    assertThat(hits.get()).isEqualTo(before);
    assertThat(raw(path, "Authorization: " + appJwt + "\r\nX-LP-ON-BEHALF: " + consumer + "\r\n")).startsWith("HTTP/1.1 200");
  }

  @Test
  void lpOnBehalfHeaderName_andBearerPrefixes_areAccepted() throws Exception {
    String appJwt = server.appJwt(app);
    String consumer = server.consumerJws("5313846", appJwt, "someone");
    HttpResponse<String> r = send("5313846", Map.of("Authorization", "Bearer " + appJwt, "LP-On-Behalf", "Bearer " + consumer));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void everyFailure_reachesTheClientAs401_withItsErrorCode() throws Exception {
    String appJwt = server.appJwt(app);
    String consumer = server.consumerJws("5313846", appJwt, "someone");
    String otherAppJwt = server.appJwt(other);
    String otherConsumer = server.consumerJws("le81823118", otherAppJwt, "someone");
    assertThat(errorCode(send("5313846", Map.of("X-LP-ON-BEHALF", consumer)))).isEqualTo(40105);
    assertThat(errorCode(send("5313846", Map.of("Authorization", appJwt)))).isEqualTo(40104);
    assertThat(errorCode(send("5313846", Map.of("Authorization", "not.a.jwt", "X-LP-ON-BEHALF", consumer)))).isEqualTo(40102);
    assertThat(errorCode(send("5313846", Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", "garbage")))).isEqualTo(40103);
    assertThat(errorCode(send("5313846", Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", otherConsumer)))).isEqualTo(40103);
    assertThat(errorCode(send("5313846", Map.of("Authorization", otherAppJwt, "X-LP-ON-BEHALF", consumer)))).isEqualTo(40001);
  }

  @Test
  void expiredAppJwt_is40102() throws Exception {
    String appJwt = server.appJwt(app);
    String consumer = server.consumerJws("5313846", appJwt, "someone");
    server.clock.advance(Duration.ofSeconds(3600 + 31));
    try {
      assertThat(errorCode(send("5313846", Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", consumer)))).isEqualTo(40102);
    } finally {
      server.clock.advance(Duration.ofSeconds(-3600 - 31));
    }
  }

  @Test
  void disabledApp_isRefusedAtOnce_andAllowedAgainWhenEnabled() throws Exception {
    AppCredentials a = server.createApp("5313846");
    String appJwt = server.appJwt(a);
    String consumer = server.consumerJws("5313846", appJwt, "someone");
    assertThat(send("5313846", Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", consumer)).statusCode()).isEqualTo(200);
    server.admin("POST", "/admin/v1/accounts/5313846/apps/" + a.clientId() + "/disable", null);
    HttpResponse<String> r = send("5313846", Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", consumer));
    assertThat(errorCode(r)).isEqualTo(40102);
    assertThat(r.body()).contains("disabled");
    server.admin("POST", "/admin/v1/accounts/5313846/apps/" + a.clientId() + "/enable", null);
    assertThat(send("5313846", Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", consumer)).statusCode()).isEqualTo(200);
  }
}
