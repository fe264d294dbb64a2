package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One string is one identity: what the IDP accepts as {@code ext_consumer_id} has one meaning, two
 * accepted strings never share an {@code lp_consumer_id}, and bytes that are not strict UTF-8 or
 * strings that are not Unicode text are refused with a 400 naming the field. Also: odd JWS at
 * every endpoint that reads one is a 4xx, never a 500.
 */
@org.junit.jupiter.api.extension.ExtendWith(TestServer.PerClass.class)
class StrictInputTest {
  static TestServer server;
  static AppCredentials app;
  static String appJwt;

  @BeforeAll
  static void start(TestServer s) {
    server = s;
    app = server.accountWithApp("5313846");
    appJwt = server.appJwt(app);
  }


  static HttpResponse<String> consumerBytes(byte[] body) {
    return server.send(server.request("/api/account/5313846/consumer?v=1.0").header("Authorization", appJwt)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  static byte[] bytes(String prefix, byte[] middle, String suffix) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    o.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    o.writeBytes(middle);
    o.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return o.toByteArray();
  }

  @Test
  void loneSurrogates_controlCharacters_andNul_areRefused_namingTheField() {
    String[] refused = {"victim\\ud800", "victim\\udfff", "\\udfffvictim", "victim\\ud800\\ud800", "a\\u0000b", "a\\u0007", "tab\\tin", "line\\nbreak",
        "del\\u007f", "c1\\u0085"};
    for (String ext : refused) {
      HttpResponse<String> r = server.consumer("5313846", appJwt, "{\"ext_consumer_id\":\"" + ext + "\"}");
      assertThat(r.statusCode()).as(ext + ": " + r.body()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("error_description")).contains("ext_consumer_id");
    }
    // a paired surrogate (an astral character) is text, and counts once
    HttpResponse<String> ok = server.consumer("5313846", appJwt, "{\"ext_consumer_id\":\"victim\\ud83d\\ude00\"}");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(TestServer.claims(new JsonObject(ok.body()).getString("token")).getString("ext_consumer_id")).isEqualTo("victim\uD83D\uDE00");
    assertThat(server.consumer("5313846", appJwt, "{\"ext_consumer_id\":\"" + "\uD83D\uDE00".repeat(256) + "\"}").statusCode()).isEqualTo(201);
    assertThat(server.consumer("5313846", appJwt, "{\"ext_consumer_id\":\"" + "\uD83D\uDE00".repeat(257) + "\"}").statusCode()).isEqualTo(400);
  }

  @Test
  void bodiesThatAreNotStrictUtf8_areRefused_notDecodedIntoOtherCharacters() {
    byte[][] bad = {
        {(byte) 0xC0, (byte) 0x80}, // overlong NUL
        {(byte) 0xC1, (byte) 0xBF}, // overlong
        {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong '/'
        {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}, // overlong '/'
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // encoded high surrogate
        {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, // encoded low surrogate
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
        {(byte) 0xFF},
        {(byte) 0x80},
        {(byte) 0xE2, (byte) 0x82}, // truncated
    };
    for (byte[] b : bad) {
      HttpResponse<String> r = consumerBytes(bytes("{\"ext_consumer_id\":\"victim", b, "\"}"));
      assertThat(r.statusCode()).as(java.util.HexFormat.of().formatHex(b) + ": " + r.body()).isEqualTo(400);
      assertThat(r.body()).contains("UTF-8");
    }
    // and on the form endpoints: a percent escape that decodes to a non-UTF-8 byte
    HttpResponse<String> token = server.post("/sentinel/api/account/5313846/app/token", "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=%C0%80", Map.of());
    assertThat(token.statusCode()).as(token.body()).isEqualTo(400);
    assertThat(token.body()).contains("UTF-8");
  }

  @Test
  void distinctAcceptedStrings_getDistinctLpConsumerIds_andTheSameStringTheSameId() {
    Random random = new Random(20261129);
    Map<String, String> byLp = new HashMap<>();
    Map<String, String> byExt = new HashMap<>();
    int accepted = 0;
    for (int n = 0; n < 400; n++) {
      String ext = randomText(random, n);
      HttpResponse<String> r = server.consumer("5313846", appJwt, new JsonObject().put("ext_consumer_id", ext).encode());
      if (r.statusCode() != 201) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        continue;
      }
      accepted++;
      JsonObject claims = TestServer.claims(new JsonObject(r.body()).getString("token"));
      assertThat(claims.getString("ext_consumer_id")).isEqualTo(ext);
      String lp = claims.getString("lp_consumer_id");
      String before = byLp.putIfAbsent(lp, ext);
      assertThat(before == null || before.equals(ext)).as("%s and %s share %s", before, ext, lp).isTrue();
      String lpBefore = byExt.putIfAbsent(ext, lp);
      assertThat(lpBefore == null || lpBefore.equals(lp)).isTrue();
    }
    assertThat(accepted).isGreaterThan(300);
  }

  /** Random Unicode scalar values: ASCII, Latin, CJK, astral, combining marks, and near-duplicates of earlier ones. */
  static String randomText(Random r, int n) {
    StringBuilder b = new StringBuilder("u");
    int len = 1 + r.nextInt(12);
    for (int i = 0; i < len; i++) {
      int cp = switch (r.nextInt(6)) {
        case 0 -> 0x20 + r.nextInt(0x5F);
        case 1 -> 0xA0 + r.nextInt(0x160);
        case 2 -> 0x4E00 + r.nextInt(0x100);
        case 3 -> 0x1F600 + r.nextInt(0x50);
        case 4 -> 0x0300 + r.nextInt(0x70);
        default -> 0x10000 + r.nextInt(0xF0000);
      };
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 'x';
      }
      b.appendCodePoint(cp);
    }
    if (n % 7 == 0) {
      b.append('?'); // what a lone surrogate used to become
    }
    return b.toString();
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void oddTokens_are4xxEverywhere_never500() {
    String[] tokens = {
        b64("null") + "." + b64("{}") + ".c2ln",
        b64("{\"alg\":\"RS256\",\"kid\":\"x\"}") + "." + b64("{\"a\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}") + ".c2ln",
        b64("{\"alg\":\"RS256\",\"kid\":\"x\"}") + "." + b64("{\"a\":".repeat(800) + "1" + "}".repeat(800)) + ".c2ln",
        appJwt + "==",
        appJwt.substring(0, appJwt.indexOf('.')) + "=" + appJwt.substring(appJwt.indexOf('.')),
    };
    String consumer = server.consumerJws("5313846", appJwt, "someone");
    for (String t : tokens) {
      HttpResponse<String> idp = server.consumer("5313846", t, "{\"ext_consumer_id\":\"x\"}");
      assertThat(idp.statusCode()).as("IDP " + idp.body()).isEqualTo(401);
      HttpResponse<String> intro = server.post("/oauth/introspect", "application/x-www-form-urlencoded", "token=" + t,
          Map.of("Authorization", "Bearer " + TestServer.ADMIN_TOKEN));
      assertThat(intro.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(intro.body()).getBoolean("active")).isFalse();
      HttpResponse<String> gw = server.send(server.request("/gateway/authorize").header("X-Original-URI", "/api/account/5313846/messaging")
          .header("Authorization", t).header("X-LP-ON-BEHALF", consumer).GET());
      assertThat(gw.statusCode()).as("gateway " + gw.body()).isEqualTo(401);
      HttpResponse<String> gw2 = server.send(server.request("/gateway/authorize").header("X-Original-URI", "/api/account/5313846/messaging")
          .header("Authorization", appJwt).header("X-LP-ON-BEHALF", t).GET());
      assertThat(gw2.statusCode()).as("gateway " + gw2.body()).isEqualTo(401);
    }
  }
}
