package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The check as Envoy's HTTP ext_authz makes it (no Envoy binary here): same method, the original
 * path after {@code path_prefix: /gateway/authorize}, the original headers; the denial status,
 * body and headers go back to the client as they are.
 */
@org.junit.jupiter.api.extension.ExtendWith(TestServer.PerClass.class)
class GatewayEnvoyStyleTest {
  static TestServer server;
  static AppCredentials app;

  @BeforeAll
  static void start(TestServer s) {
    server = s;
    app = server.accountWithApp("5313846");
  }


  @Test
  void originalPathAfterThePrefix_namesTheAccount() {
    String appJwt = server.appJwt(app);
    String consumer = server.consumerJws("5313846", appJwt, "c1");
    HttpResponse<String> ok = server.send(server.request("/gateway/authorize/api/account/5313846/messaging/consumer/conversation?v=3")
        .header("Authorization", appJwt).header("x-lp-on-behalf", consumer).POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("X-Gatehouse-Account")).hasValue("5313846");
    assertThat(ok.headers().firstValue("X-Gatehouse-Client-Id")).hasValue(app.clientId());

    HttpResponse<String> wrongAccount = server.send(server.request("/gateway/authorize/api/account/9999/messaging/consumer/conversation")
        .header("Authorization", appJwt).header("X-LP-ON-BEHALF", consumer).GET());
    assertThat(wrongAccount.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(wrongAccount.body()).getJsonObject("body").getInteger("errorCode")).isEqualTo(40001);
    assertThat(wrongAccount.headers().firstValue("X-Gatehouse-Error")).hasValue(wrongAccount.body());

    HttpResponse<String> noAccount = server.send(server.request("/gateway/authorize").header("Authorization", appJwt).header("X-LP-ON-BEHALF", consumer).GET());
    assertThat(new JsonObject(noAccount.body()).getJsonObject("body").getInteger("errorCode")).isEqualTo(40001);
  }
}
