package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.IndependentVerifier;
import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sentinel's token endpoint, called in each shape real connectors use (SPEC A2). */
@org.junit.jupiter.api.extension.ExtendWith(TestServer.PerClass.class)
class SentinelTest {
  static TestServer server;
  static AppCredentials app;

  @BeforeAll
  static void start(TestServer s) {
    server = s;
    app = server.accountWithApp("5313846");
  }


  static String path(String query) {
    return "/sentinel/api/account/5313846/app/token" + query;
  }

  private static void assertAppJwt(HttpResponse<String> r, boolean v2) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json;charset=utf-8");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    if (v2) {
      assertThat(body.getValue("expires_in")).isEqualTo("3600");
      assertThat(body.getValue("access_token")).isInstanceOf(String.class);
    } else {
      assertThat(body.getValue("expires_in")).isEqualTo(3600);
    }
    String jwt = body.getString("access_token");
    JsonObject h = TestServer.header(jwt);
    assertThat(h.fieldNames()).containsExactlyInAnyOrder("kid", "typ", "alg");
    assertThat(h.getString("alg")).isEqualTo("RS256");
    assertThat(h.getString("typ")).isEqualTo("JWT");
    assertThat(h.getString("kid")).matches("appjwt-\\d\\d-\\d\\d-\\d\\d(-\\d+)?");
    JsonObject c = TestServer.claims(jwt);
    assertThat(c.fieldNames()).containsExactly("aud", "azp", "scope", "iss", "exp", "iat");
    assertThat(c.getString("aud")).isEqualTo("5313846");
    assertThat(c.getString("azp")).isEqualTo(app.clientId());
    assertThat(c.getString("scope")).isEqualTo("msg.consumer");
    assertThat(c.getString("iss")).isEqualTo("Sentinel");
    long iat = c.getLong("iat");
    assertThat(iat).isEqualTo(Instant.parse("2026-11-28T12:00:00Z").getEpochSecond());
    assertThat(c.getLong("exp")).isEqualTo(iat + 3600);
    assertThat(IndependentVerifier.verifies(jwt, server.get("/.well-known/jwks.json").body())).isTrue();
  }

  @Test
  void demoAppShape_allInQuery_emptyBody() {
    assertAppJwt(server.post(path("?v=1.0&grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret()),
        "application/x-www-form-urlencoded", "", Map.of()), false);
  }

  @Test
  void botiumShape_grantTypeInQuery_credentialsInBody() {
    assertAppJwt(server.post(path("?v=1.0&grant_type=client_credentials"), "application/x-www-form-urlencoded",
        "client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), Map.of()), false);
  }

  @Test
  void faasClientNodeShape_allInBody_withEmptyScope() {
    assertAppJwt(server.post(path(""), "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret() + "&scope=", Map.of()), false);
  }

  @Test
  void versionTwoInQuery_isAccepted() {
    assertAppJwt(server.post(path("?v=2.0&grant_type=client_credentials"), "application/x-www-form-urlencoded",
        "client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), Map.of()), false);
  }

  @Test
  void bodyWithoutContentType_isReadAsAForm() {
    HttpResponse<String> r = server.send(server.request(path("?grant_type=client_credentials"))
        .POST(HttpRequest.BodyPublishers.ofString("client_id=" + app.clientId() + "&client_secret=" + app.clientSecret())));
    assertAppJwt(r, false);
  }

  @Test
  void bodyWithAWrongTextContentType_isReadAsAForm() {
    assertAppJwt(server.post(path("?grant_type=client_credentials"), "text/plain",
        "client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), Map.of()), false);
  }

  @Test
  void httpBasicClientAuthentication_isAccepted() {
    String basic = Base64.getEncoder().encodeToString((app.clientId() + ":" + app.clientSecret()).getBytes(StandardCharsets.UTF_8));
    assertAppJwt(server.post(path(""), "application/x-www-form-urlencoded", "grant_type=client_credentials",
        Map.of("Authorization", "Basic " + basic)), false);
  }

  @Test
  void sameParameterTwiceWithTheSameValue_isAccepted() {
    assertAppJwt(server.post(path("?grant_type=client_credentials&client_id=" + app.clientId()), "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), Map.of()), false);
  }

  @Test
  void v2Path_sendsExpiresInAsAString() {
    assertAppJwt(server.post("/sentinel/api/v2/account/5313846/app/token", "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), Map.of()), true);
  }

  @Test
  void explicitScopeThatTheAppHas_isGranted() {
    assertAppJwt(server.post(path("?grant_type=client_credentials"), "application/x-www-form-urlencoded",
        "client_id=" + app.clientId() + "&client_secret=" + app.clientSecret() + "&scope=msg.consumer", Map.of()), false);
  }

  @Test
  void urlEncodedSecretInBody_isDecoded() {
    String encodedId = app.clientId().replace("-", "%2D");
    assertAppJwt(server.post(path("?grant_type=client_credentials"), "application/x-www-form-urlencoded",
        "client_id=" + encodedId + "&client_secret=" + app.clientSecret(), Map.of()), false);
  }

  @Test
  void clientIdInUpperCase_isTheSameClient() {
    assertAppJwt(server.post(path("?grant_type=client_credentials&client_id=" + app.clientId().toUpperCase() + "&client_secret=" + app.clientSecret()),
        null, "", Map.of()), false);
  }
}
