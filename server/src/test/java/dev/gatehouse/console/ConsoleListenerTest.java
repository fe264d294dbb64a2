package dev.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The console is part of the admin side: with an admin listener of its own, the public port does not serve it. */
class ConsoleListenerTest {
  @Test
  void withAnAdminListener_theConsoleIsThereOnly() throws Exception {
    try (TestServer server = TestServer.start(b -> b.adminPort(0))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> pub = http.send(HttpRequest.newBuilder(URI.create(server.base() + "/console/sign-in")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(pub.statusCode()).isEqualTo(404);
      HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create(server.gatehouse().adminBaseUrl() + "/console/sign-in")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(admin.statusCode()).isEqualTo(200);
      assertThat(admin.body()).contains("<input type=\"password\" id=\"token\" name=\"token\"");
      HttpResponse<String> css = http.send(HttpRequest.newBuilder(URI.create(server.gatehouse().adminBaseUrl() + "/console/console.css")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(css.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
    }
  }
}
