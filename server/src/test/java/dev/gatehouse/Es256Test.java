package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer.AppCredentials;
import dev.gatehouse.keys.KeyAlgorithm;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code --alg ES256}: the departure from the documented RS256, end to end. */
class Es256Test {
  @Test
  void es256Server_issuesEs256Tokens_thatItAndAnIndependentVerifierAccept() {
    try (TestServer server = TestServer.start(b -> b.algorithm(KeyAlgorithm.ES256))) {
      AppCredentials app = server.accountWithApp("5313846");
      String appJwt = server.appJwt(app);
      assertThat(TestServer.header(appJwt).getString("alg")).isEqualTo("ES256");
      String jwks = server.get("/.well-known/jwks.json").body();
      assertThat(new JsonObject(jwks).getJsonArray("keys").getJsonObject(0).getString("kty")).isEqualTo("EC");
      assertThat(new JsonObject(jwks).getJsonArray("keys").getJsonObject(0).getString("crv")).isEqualTo("P-256");
      assertThat(IndependentVerifier.verifies(appJwt, jwks)).isTrue();

      String consumer = server.consumerJws("5313846", appJwt, "John_Doe_facebook12345");
      assertThat(TestServer.header(consumer).getString("alg")).isEqualTo("ES256");
      assertThat(IndependentVerifier.verifies(consumer, jwks)).isTrue();
      // ECDSA is randomised, but a repeat consumer still gets the one token already issued
      assertThat(server.consumerJws("5313846", appJwt, "John_Doe_facebook12345")).isEqualTo(consumer);

      HttpResponse<String> gate = server.send(server.request("/gateway/authorize/api/account/5313846/messaging/consumer/conversation")
          .header("Authorization", appJwt).header("X-LP-ON-BEHALF", consumer).GET());
      assertThat(gate.statusCode()).as(gate.body()).isEqualTo(200);

      // an ES256 header on a token whose signature was made for RS256 is refused
      String[] p = appJwt.split("\\.");
      String confused = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
          TestServer.header(appJwt).put("alg", "RS256").encode().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + p[1] + "." + p[2];
      assertThat(server.consumer("5313846", confused, "{\"ext_consumer_id\":\"x\"}").statusCode()).isEqualTo(401);
    }
  }
}
