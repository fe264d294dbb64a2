package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Domain API (SPEC A1) and the JWKS. */
class DiscoveryAndJwksTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(b -> b.publicHost("gatehouse.example.com").service("asyncMessagingEnt", "msg.example.com:8443"));
    server.createAccount("5313846");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/service/idp/baseURI.json?version=1.0", "/service/idp/baseURI.json", "/service/idp/baseURI?version=1.0", "/service/idp/baseURI"})
  void oneService_inEveryUrlForm(String suffix) {
    HttpResponse<String> r = server.get("/api/account/5313846" + suffix);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("service", "idp").put("account", "5313846").put("baseURI", "gatehouse.example.com"));
  }

  @Test
  void configuredService_isServedWithItsPort() {
    JsonObject j = new JsonObject(server.get("/api/account/5313846/service/asyncMessagingEnt/baseURI.json?version=1.0").body());
    assertThat(j.getString("baseURI")).isEqualTo("msg.example.com:8443");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/service/baseURI.json?version=1.0", "/service/baseURI"})
  void allServices_listSentinelIdpAndConfiguredOnes(String suffix) {
    HttpResponse<String> r = server.get("/api/account/5313846" + suffix);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray list = new JsonObject(r.body()).getJsonArray("baseURIs");
    assertThat(list).hasSize(3);
    assertThat(list.getJsonObject(0)).isEqualTo(new JsonObject().put("service", "sentinel").put("account", "5313846").put("baseURI", "gatehouse.example.com"));
    assertThat(list.getJsonObject(2).getString("service")).isEqualTo("asyncMessagingEnt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/.well-known/jwks.json", "/sentinel/well-known/jwks"})
  void jwks_publishesPublicKeysOnly_withCacheControlAndEtag(String path) {
    HttpResponse<String> r = server.get(path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[0-9a-f]{32}\"");
    JsonArray keys = new JsonObject(r.body()).getJsonArray("keys");
    assertThat(keys).hasSize(2); // one AppJWT key, one ConsumerJWS key
    for (int i = 0; i < keys.size(); i++) {
      JsonObject k = keys.getJsonObject(i);
      assertThat(k.getString("kty")).isEqualTo("RSA");
      assertThat(k.getString("alg")).isEqualTo("RS256");
      assertThat(k.getString("use")).isEqualTo("sig");
      assertThat(k.fieldNames()).doesNotContain("d", "p", "q", "dp", "dq", "qi");
      assertThat(java.util.Base64.getUrlDecoder().decode(k.getString("n")).length).isBetween(256, 257);
    }
    HttpResponse<String> again = server.send(server.request(path).header("If-None-Match", etag).GET());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void health_liveAndReady() {
    assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = server.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject j = new JsonObject(ready.body());
    assertThat(j.getString("status")).isEqualTo("ready");
    assertThat(j.getString("signing_provider")).isNotBlank();
  }
}
