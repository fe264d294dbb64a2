package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /metrics} counts what happened, in Prometheus text format. */
class MetricsTest {
  static double value(String scrape, String series) {
    return TestServer.metricValue(scrape, series);
  }

  @Test
  void requestsTokensAndCacheHits_areCounted() {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      String jwt = server.appJwt(app);
      String consumer = null;
      for (int i = 0; i < 3; i++) {
        consumer = server.consumerJws("5313846", jwt, "same-consumer");
      }
      for (int i = 0; i < 2; i++) { // the same pair twice: two verdicts cached by the gateway
        assertThat(server.send(server.request("/gateway/authorize").header("Authorization", jwt).header("X-LP-ON-BEHALF", consumer)
            .header("X-Original-URI", "/api/account/5313846/messaging/consumer/conversation?v=3").GET()).statusCode()).isEqualTo(200);
      }
      server.consumer("5313846", null, "{}");
      server.get("/.well-known/jwks.json");
      HttpResponse<String> r = server.get("/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
      String s = r.body();
      assertThat(value(s, "gatehouse_tokens_issued_total{kind=\"app_jwt\"}")).isEqualTo(1);
      assertThat(value(s, "gatehouse_tokens_issued_total{kind=\"consumer_jws\"}")).isEqualTo(3);
      assertThat(value(s, "gatehouse_http_requests_seconds_count{endpoint=\"idp_consumer\",status=\"2xx\"}")).isEqualTo(3);
      assertThat(value(s, "gatehouse_http_requests_seconds_count{endpoint=\"idp_consumer\",status=\"4xx\"}")).isEqualTo(1);
      assertThat(value(s, "gatehouse_http_requests_seconds_count{endpoint=\"jwks\",status=\"2xx\"}")).isEqualTo(1);
      // signed the first time, signed and kept the second, found the third
      assertThat(value(s, "cache_gets_total{cache=\"consumer_jws\",result=\"hit\"}")).isEqualTo(1);
      assertThat(value(s, "cache_gets_total{cache=\"consumer_jws\",result=\"miss\"}")).isEqualTo(2);
      assertThat(value(s, "cache_gets_total{cache=\"verified_app_jwt\",result=\"hit\"}")).isEqualTo(2);
      assertThat(value(s, "cache_gets_total{cache=\"verified_app_jwt\",result=\"miss\"}")).isEqualTo(1);
      assertThat(s).contains("gatehouse_signing_provider{provider=\"" + server.gatehouse().crypto().describe() + "\"} 1");
      assertThat(s).contains("gatehouse_store_seconds_count{op=\"update\"}");
      assertThat(value(s, "gatehouse_store_file_bytes")).as("the embedded H2 file's size").isPositive();
      assertThat(s).contains("gatehouse_store_fill_ratio{part=\"chunks\"}").contains("gatehouse_store_compaction_seconds_count");
      assertThat(value(s, "gatehouse_store_header_rewrites_total")).as("H2 headers written again after commits").isNotNegative();
      assertThat(value(s, "gatehouse_verdict_cache_tokens{verifier=\"gateway\"}")).isEqualTo(2);
      assertThat(value(s, "gatehouse_verdict_cache_bytes{verifier=\"gateway\"}")).as("estimated heap of two verdicts")
          .isBetween((double) jwt.length() + consumer.length(), 2.0 * (jwt.length() + consumer.length()) + 1_000);
      assertThat(value(s, "gatehouse_verdict_cache_tokens{verifier=\"issuer\"}")).as("the AppJWT, verified at the IDP").isEqualTo(1);
      assertThat(s).doesNotContain(app.clientSecret()).doesNotContain(jwt);
    }
  }

  /** A live scrape after traffic on every kind of endpoint passes {@code promtool check metrics} (Debian's prometheus package). */
  @Test
  void aLiveScrape_passesPromtool_andNamesTheBuild() throws Exception {
    java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
    try (TestServer server = TestServer.start(b -> b.sandbox(true))) {
      AppCredentials app = server.accountWithApp("5313847");
      String jwt = server.appJwt(app);
      server.consumerJws("5313847", jwt, "c");
      server.get("/.well-known/jwks.json");
      server.get("/api/account/5313847/service/baseURI.json");
      server.get("/nope");
      server.admin("GET", "/admin/v1/accounts", null);
      server.get("/health/ready");
      String s = server.get("/metrics").body();
      assertThat(s).containsPattern("gatehouse_build_info\\{commit=\"[^\"]+\",jdk=\"[^\"]+\",version=\"" + dev.gatehouse.Gatehouse.VERSION + "\"} 1");
      assertThat(s).contains("process_cpu_seconds_total").doesNotContain("process_cpu_time_ns_total").doesNotContain("system_cpu_count");
      assertThat(s.length()).as("scrape size").isLessThan(40_000);
      if (!java.nio.file.Files.isExecutable(promtool)) {
        String why = "SKIPPED: promtool (Debian's prometheus package) is not installed";
        if ("1".equals(System.getenv("GATEHOUSE_TEST_PROMTOOL_REQUIRED"))) {
          throw new AssertionError(why);
        }
        System.err.println(why);
        org.junit.jupiter.api.Assumptions.abort(why);
      }
      Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
      p.getOutputStream().write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(out).isZero();
    }
  }
}
