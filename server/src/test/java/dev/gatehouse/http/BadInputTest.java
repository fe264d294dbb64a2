package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * What careless or hostile clients send, and the exact status, error code and field named that
 * each must get. Also: none of it makes the server answer 500, log an error, or log a secret.
 */
class BadInputTest {
  static TestServer server;
  static AppCredentials app;
  static AppCredentials other;
  static AppCredentials noConsumerScope;
  static String appJwt;
  static String kid;
  static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  static void start() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    server = TestServer.start();
    app = server.accountWithApp("5313846");
    other = server.accountWithApp("le81823118");
    HttpResponse<String> r = server.admin("POST", "/admin/v1/accounts/5313846/apps", new JsonObject().put("name", "reader").put("scope", "msg.read"));
    JsonObject j = new JsonObject(r.body());
    noConsumerScope = new AppCredentials("5313846", j.getString("client_id"), j.getString("client_secret"));
    appJwt = server.appJwt(app);
    kid = TestServer.header(appJwt).getString("kid");
  }

  @AfterAll
  static void stop() {
    server.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  record Case(String name, Supplier<HttpResponse<String>> call, int status, String error, String mentions) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case sentinel(String name, String query, String body, int status, String error, String mentions) {
    return new Case("sentinel: " + name, () -> server.post("/sentinel/api/account/5313846/app/token" + query,
        "application/x-www-form-urlencoded", body, Map.of()), status, error, mentions);
  }

  static Case idp(String name, String authorization, String body, int status, String error, String mentions) {
    return new Case("idp: " + name, () -> server.consumer("5313846", authorization, body), status, error, mentions);
  }

  static String creds() {
    return "client_id=" + app.clientId() + "&client_secret=" + app.clientSecret();
  }

  static String ext(Object value) {
    return new JsonObject().put("ext_consumer_id", value).encode();
  }

  static String forged(JWSHeader header, com.nimbusds.jose.JWSSigner signer) throws Exception {
    JWSObject o = new JWSObject(header, new Payload(TestServer.claims(appJwt).encode()));
    o.sign(signer);
    return o.serialize();
  }

  static Stream<Case> cases() throws Exception {
    String good = ext("John_Doe_facebook12345");
    var gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    String otherKey = forged(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(),
        new RSASSASigner(gen.generateKeyPair().getPrivate()));
    String hs256 = forged(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(JOSEObjectType.JWT).build(),
        new MACSigner(new byte[32]));
    String[] p = appJwt.split("\\.");
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8)) + "." + p[1] + "." + p[2];
    String unknownKid = forged(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("appjwt-01-01-99").build(),
        new RSASSASigner(gen.generateKeyPair().getPrivate()));
    String tamperedPayload = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        TestServer.claims(appJwt).put("aud", "le81823118").encode().getBytes(StandardCharsets.UTF_8)) + "." + p[2];
    String otherAccountJwt = server.appJwt(other);
    String noScopeJwt = new JsonObject(server.post("/sentinel/api/account/5313846/app/token?grant_type=client_credentials",
        "application/x-www-form-urlencoded", "client_id=" + noConsumerScope.clientId() + "&client_secret=" + noConsumerScope.clientSecret(), Map.of()).body()).getString("access_token");
    String big = "a".repeat(17 * 1024);

    return Stream.of(
        sentinel("grant_type missing", "", creds(), 400, "invalid_request", "grant_type"),
        sentinel("grant_type password", "?grant_type=password", creds(), 400, "unsupported_grant_type", "grant_type"),
        sentinel("grant_type twice, different values", "?grant_type=client_credentials", creds() + "&grant_type=password", 400, "invalid_request", "grant_type"),
        sentinel("client_id twice, different values", "?grant_type=client_credentials&client_id=" + other.clientId(), creds(), 400, "invalid_request", "client_id"),
        sentinel("unknown v", "?v=3.0&grant_type=client_credentials", creds(), 400, "invalid_request", "v must be"),
        sentinel("client_id missing", "?grant_type=client_credentials", "client_secret=x", 401, "invalid_client", "client_id"),
        sentinel("client_secret missing", "?grant_type=client_credentials", "client_id=" + app.clientId(), 401, "invalid_client", "client_secret"),
        sentinel("wrong secret", "?grant_type=client_credentials", "client_id=" + app.clientId() + "&client_secret=wrong", 401, "invalid_client", "client_secret"),
        sentinel("unknown client", "?grant_type=client_credentials", "client_id=00000000-0000-0000-0000-000000000000&client_secret=" + app.clientSecret(), 401, "invalid_client", "client_id"),
        sentinel("client_id not a uuid", "?grant_type=client_credentials", "client_id=%zz%&client_secret=%", 401, "invalid_client", "client_id"),
        sentinel("client of another account", "?grant_type=client_credentials", "client_id=" + other.clientId() + "&client_secret=" + other.clientSecret(), 401, "invalid_client", "another account"),
        sentinel("scope not granted", "?grant_type=client_credentials", creds() + "&scope=admin", 400, "invalid_scope", "scope"),
        sentinel("body over 16 KiB", "?grant_type=client_credentials", creds() + "&x=" + big, 413, "request_too_large", "16384"),
        new Case("sentinel: JSON body", () -> server.post("/sentinel/api/account/5313846/app/token", "application/json",
            new JsonObject().put("grant_type", "client_credentials").encode(), Map.of()), 400, "invalid_request", "x-www-form-urlencoded"),
        new Case("sentinel: account id with bad characters", () -> server.post("/sentinel/api/account/bad%21id/app/token?grant_type=client_credentials",
            "application/x-www-form-urlencoded", creds(), Map.of()), 400, "invalid_request", "account id"),
        new Case("sentinel: Basic not base64", () -> server.post("/sentinel/api/account/5313846/app/token?grant_type=client_credentials",
            "application/x-www-form-urlencoded", "", Map.of("Authorization", "Basic !!!")), 401, "invalid_client", "Basic"),
        new Case("sentinel: Basic and body disagree", () -> server.post("/sentinel/api/account/5313846/app/token?grant_type=client_credentials",
            "application/x-www-form-urlencoded", "client_id=" + other.clientId(), Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (app.clientId() + ":" + app.clientSecret()).getBytes(StandardCharsets.UTF_8)))), 400, "invalid_request", "client_id"),
        new Case("sentinel: GET", () -> server.get("/sentinel/api/account/5313846/app/token"), 405, "method_not_allowed", "GET"),

        idp("no Authorization", null, good, 401, "invalid_token", "Authorization"),
        idp("Bearer with nothing after it", "Bearer", good, 401, "invalid_token", "Bearer has no token"),
        idp("Bearer and spaces", "Bearer    ", good, 401, "invalid_token", "Bearer has no token"),
        idp("not three parts", "abc.def", good, 401, "invalid_token", "three base64url parts"),
        idp("four parts", appJwt + ".x", good, 401, "invalid_token", "three base64url parts"),
        idp("not base64url", "a!b.c.d", good, 401, "invalid_token", "three base64url parts"),
        idp("three parts of garbage", "aaaa.bbbb.cccc", good, 401, "invalid_token", "AppJWT"),
        idp("signed by another key", otherKey, good, 401, "invalid_token", "signature"),
        idp("payload tampered with", tamperedPayload, good, 401, "invalid_token", "signature"),
        idp("unknown kid", unknownKid, good, 401, "invalid_token", "kid"),
        idp("alg none", none, good, 401, "invalid_token", "AppJWT"),
        idp("alg HS256", hs256, good, 401, "invalid_token", "HS256"),
        idp("AppJWT of another account", otherAccountJwt, good, 403, "insufficient_scope", "aud"),
        idp("AppJWT without msg.consumer", noScopeJwt, good, 403, "insufficient_scope", "msg.consumer"),
        idp("body not JSON", appJwt, "ext_consumer_id=1", 400, "invalid_request", "JSON"),
        idp("body a JSON array", appJwt, "[\"a\"]", 400, "invalid_request", "JSON object"),
        idp("body empty", appJwt, "", 400, "invalid_request", "empty"),
        idp("ext_consumer_id missing", appJwt, "{}", 400, "invalid_request", "ext_consumer_id is missing"),
        idp("ext_consumer_id null", appJwt, "{\"ext_consumer_id\":null}", 400, "invalid_request", "ext_consumer_id is null"),
        idp("ext_consumer_id a number", appJwt, "{\"ext_consumer_id\":12345}", 400, "invalid_request", "ext_consumer_id must be a string"),
        idp("ext_consumer_id an object", appJwt, "{\"ext_consumer_id\":{}}", 400, "invalid_request", "ext_consumer_id must be a string"),
        idp("ext_consumer_id empty", appJwt, ext(""), 400, "invalid_request", "ext_consumer_id is empty"),
        idp("ext_consumer_id 257 characters", appJwt, ext("x".repeat(257)), 400, "invalid_request", "ext_consumer_id is 257 characters"),
        idp("body over 16 KiB", appJwt, ext(big), 413, "request_too_large", "16384"),
        new Case("idp: Content-Type text/plain", () -> server.post("/api/account/5313846/consumer?v=1.0", "text/plain", good,
            Map.of("Authorization", appJwt)), 415, "unsupported_media_type", "Content-Type"),
        new Case("idp: unknown v", () -> server.post("/api/account/5313846/consumer?v=9", "application/json", good,
            Map.of("Authorization", appJwt)), 400, "invalid_request", "v must be"),
        new Case("idp: v twice, different values", () -> server.post("/api/account/5313846/consumer?v=1.0&v=2.0", "application/json", good,
            Map.of("Authorization", appJwt)), 400, "invalid_request", "parameter v"),
        new Case("idp: account path too long", () -> server.post("/api/account/" + "1".repeat(65) + "/consumer", "application/json", good,
            Map.of("Authorization", appJwt)), 400, "invalid_request", "account id"),
        new Case("domain: unknown version", () -> server.get("/api/account/5313846/service/idp/baseURI.json?version=7"), 400, "invalid_request", "version"),
        new Case("domain: unknown account", () -> server.get("/api/account/4242/service/idp/baseURI.json?version=1.0"), 404, "not_found", "account"),
        new Case("domain: unknown service", () -> server.get("/api/account/5313846/service/IDP/baseURI.json?version=1.0"), 404, "not_found", "service"),
        new Case("no such endpoint", () -> server.get("/nope"), 404, "not_found", "/nope"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInput_getsTheDocumentedErrorNamingTheField(Case c) {
    HttpResponse<String> r = c.call().get();
    assertThat(r.statusCode()).as(r.body()).isEqualTo(c.status());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json;charset=utf-8");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).isEqualTo(c.error());
    assertThat(body.getString("error_description")).contains(c.mentions());
    if (c.status() == 401 && c.name().startsWith("idp")) {
      assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer").contains("error=\"invalid_token\"");
    }
    if (c.status() == 403) {
      assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().contains("error=\"insufficient_scope\"");
    }
    if (c.name().contains("Basic not base64")) {
      assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Basic");
    }
    assertThat(r.body()).doesNotContain(app.clientSecret()).doesNotContain(appJwt);
  }

  @Test
  void expiredAppJwt_isRejectedAsInvalidToken() {
    String jwt = server.appJwt(app);
    server.clock.advance(Duration.ofSeconds(3601));
    try {
      HttpResponse<String> r = server.consumer("5313846", jwt, ext("someone"));
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(r.body()).getString("error_description")).contains("expired");
    } finally {
      server.clock.advance(Duration.ofSeconds(-3601));
    }
  }

  @Test
  void disabledApp_getsNoAppJwt_andItsAppJwtGetsNoConsumerJws() {
    AppCredentials a = server.createApp("5313846");
    String jwt = server.appJwt(a);
    server.admin("POST", "/admin/v1/accounts/5313846/apps/" + a.clientId() + "/disable", null);
    HttpResponse<String> token = server.post("/sentinel/api/account/5313846/app/token?grant_type=client_credentials",
        "application/x-www-form-urlencoded", "client_id=" + a.clientId() + "&client_secret=" + a.clientSecret(), Map.of());
    assertThat(token.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(token.body()).getString("error_description")).contains("disabled");
    HttpResponse<String> c = server.consumer("5313846", jwt, ext("someone"));
    assertThat(c.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(c.body()).getString("error_description")).contains("disabled");

    server.admin("POST", "/admin/v1/accounts/5313846/apps/" + a.clientId() + "/enable", null);
    assertThat(server.consumer("5313846", jwt, ext("someone")).statusCode()).isEqualTo(201);
  }

  @Test
  void chunkedBodyOverTheLimit_isRefusedWith413() {
    HttpRequest.Builder rb = server.request("/api/account/5313846/consumer")
        .header("Authorization", appJwt).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(ext("y".repeat(40_000)).getBytes(StandardCharsets.UTF_8))));
    HttpResponse<String> r = server.send(rb);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("request_too_large");
  }

  @Test
  void noBadInput_isLoggedAsAnError_orLogsASecretOrToken() throws Exception {
    cases().forEach(c -> assertThat(c.call().get().statusCode()).isBetween(400, 499));
    assertThat(logs.list).isNotEmpty(); // the appender does see the server's log
    for (ILoggingEvent e : logs.list) {
      assertThat(e.getLevel().toInt()).as(e.getFormattedMessage()).isLessThan(ch.qos.logback.classic.Level.ERROR_INT);
      assertThat(e.getFormattedMessage()).doesNotContain(app.clientSecret()).doesNotContain(appJwt).doesNotContain(TestServer.ADMIN_TOKEN);
    }
  }
}
