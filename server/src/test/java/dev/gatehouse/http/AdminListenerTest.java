package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.ServeProcess;
import dev.gatehouse.TestServer;
import dev.gatehouse.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code --admin-port}, the admin API and /metrics have a listener of their own and the public
 * listener does not serve them; health is on both. A public, non-loopback address without one is
 * refused unless the operator says so.
 */
class AdminListenerTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static int get(String url, boolean asAdmin) throws Exception {
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url));
    if (asAdmin) {
      rb.header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
    }
    return HTTP.send(rb.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void theAdminSide_isServedOnlyOnItsOwnListener() throws Exception {
    try (TestServer s = TestServer.start(b -> b.adminPort(0))) {
      String pub = s.gatehouse().baseUrl();
      String admin = s.gatehouse().adminBaseUrl();
      assertThat(admin).isNotEqualTo(pub);
      assertThat(get(pub + "/admin/v1/accounts", true)).isEqualTo(404);
      assertThat(get(pub + "/metrics", false)).isEqualTo(404);
      assertThat(get(admin + "/admin/v1/accounts", true)).isEqualTo(200);
      assertThat(get(admin + "/admin/v1/accounts", false)).isEqualTo(401);
      assertThat(get(admin + "/metrics", false)).isEqualTo(200);
      assertThat(get(pub + "/health/ready", false)).isEqualTo(200);
      assertThat(get(admin + "/health/ready", false)).isEqualTo(200);
      assertThat(get(pub + "/.well-known/jwks.json", false)).isEqualTo(200);
      assertThat(get(admin + "/.well-known/jwks.json", false)).isEqualTo(404);
      assertThat(s.gatehouse().banner()).contains("admin API and metrics on " + admin);
      // each listener describes what it serves (the document is made on the first request)
      for (int round = 0; round < 2; round++) {
        var pubPaths = openApiPaths(pub);
        var adminPaths = openApiPaths(admin);
        assertThat(pubPaths).contains("/api/account/{accountId}/consumer", "/health/ready", "/openapi.json")
            .noneMatch(p -> p.startsWith("/admin/")).doesNotContain("/metrics");
        assertThat(adminPaths).contains("/admin/v1/accounts", "/metrics", "/health/ready", "/openapi.json")
            .doesNotContain("/api/account/{accountId}/consumer");
      }
    }
  }

  static java.util.Set<String> openApiPaths(String base) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return new io.vertx.core.json.JsonObject(r.body()).getJsonObject("paths").fieldNames();
  }

  @Test
  void withoutAnAdminListener_everythingIsOnOnePort_asBefore() throws Exception {
    try (TestServer s = TestServer.start()) {
      assertThat(s.gatehouse().adminBaseUrl()).isEqualTo(s.gatehouse().baseUrl());
      assertThat(get(s.base() + "/admin/v1/accounts", true)).isEqualTo(200);
      assertThat(get(s.base() + "/metrics", false)).isEqualTo(200);
    }
  }

  @Test
  void aPublicAddress_withoutAnAdminListener_isRefused_unlessAskedFor() throws Exception {
    assertThatThrownBy(() -> ServerConfig.builder().host("0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--admin-port").hasMessageContaining("--admin-on-public-port");
    ServerConfig.builder().host("0.0.0.0").adminPort(9090).build();
    ServerConfig.builder().host("0.0.0.0").adminOnPublicPort(true).build();
    ServerConfig.builder().host("127.0.0.2").build();
    try (ServeProcess p = ServeProcess.launch(Files.createTempDirectory("gh-admin").resolve("data"), List.of(), Map.of(), "--host", "0.0.0.0")) {
      assertThat(p.waitFor(60)).isNotZero();
      assertThat(p.output()).contains("--admin-port").doesNotContain("ready on");
    }
  }
}
