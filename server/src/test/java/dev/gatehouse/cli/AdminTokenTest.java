package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.ServeProcess;
import dev.gatehouse.TestServer;
import dev.gatehouse.config.AdminTokenRule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The bootstrap admin token must be strong; a weak or placeholder one stops the server at start with one line saying how to make a good one. */
class AdminTokenTest {
  @ParameterizedTest
  @ValueSource(strings = {"short", "test-admin-token-0123456789", "REPLACE-with-a-long-random-token", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "abababababababababababababababababababab", "0123456789012345678901234567890"})
  void weakOrPlaceholderTokens_areRefused(String token) {
    assertThat(AdminTokenRule.problem(token)).isNotNull().contains("openssl rand -hex 32").doesNotContain(token);
  }

  @Test
  void randomTokens_pass() {
    assertThat(AdminTokenRule.problem("5f2c8e1a9b7d3046c2e8f1a0b9d7c3e5")).isNull(); // 128 bits of hex
    assertThat(AdminTokenRule.problem("gha_yq3Xx0lT0P2bqvJ8m4s0kq7GfZ9R1w2E3r4T5y6U7i8")).isNull();
  }

  @Test
  void serve_refusesAWeakToken_fromTheEnvironmentAndFromTheTokenFile() throws Exception {
    try (ServeProcess p = ServeProcess.launch(Files.createTempDirectory("gh-tok").resolve("data"), List.of(),
        Map.of("GATEHOUSE_ADMIN_TOKEN", "REPLACE-with-a-long-random-token"))) {
      assertThat(p.waitFor(60)).isNotZero();
      assertThat(p.output()).contains("placeholder").contains("openssl rand -hex 32").doesNotContain("REPLACE-with").doesNotContain("ready on");
    }
    Path data = Files.createTempDirectory("gh-tok2").resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("admin-token"), "letmein\n");
    try (ServeProcess p = ServeProcess.launch(data, List.of(), Map.of("GATEHOUSE_ADMIN_TOKEN", ""))) {
      assertThat(p.waitFor(60)).isNotZero();
      assertThat(p.output()).contains("admin-token").contains("too weak").doesNotContain("letmein");
    }
  }

  @Test
  void serve_takesTheTokenFromAFile() throws Exception {
    Path file = Files.createTempFile("admin", ".token");
    Files.writeString(file, TestServer.ADMIN_TOKEN + "\n");
    try (ServeProcess p = ServeProcess.start(Files.createTempDirectory("gh-tok3").resolve("data"), List.of(), Map.of("GATEHOUSE_ADMIN_TOKEN", ""),
        "--admin-token-file", file.toString())) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(p.base() + "/admin/v1/accounts"))
          .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }
}
