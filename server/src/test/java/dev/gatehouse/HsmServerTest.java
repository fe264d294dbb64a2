package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer.AppCredentials;
import dev.gatehouse.keys.TokenSupport;
import dev.gatehouse.store.Database;
import dev.gatehouse.store.Postgres;
import dev.gatehouse.verifier.ConnectorRequestVerifier;
import dev.gatehouse.verifier.Identity;
import dev.gatehouse.verifier.RemoteJwks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The server with its signing keys in a SoftHSM2 token (--key-store pkcs11), as users meet it over
 * HTTP: tokens issued and verified against the JWKS, rotation, restart, the move from software
 * keys, a token logged out or gone (503 and not ready, never a 500 and never software keys), a
 * misconfigured start (one line), two nodes on one PostgreSQL sharing the token, and a scan of the
 * whole store for private key material.
 */
class HsmServerTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static JsonArray keys(TestServer s) {
    return KeyRotationTest.keys(s);
  }

  static String kid(JsonArray keys, String purpose, String state) {
    return KeyRotationTest.kidIn(keys, purpose, state);
  }

  static String location(JsonArray keys, String kid) {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.getJsonObject(i).getString("kid").equals(kid)) {
        return keys.getJsonObject(i).getString("location");
      }
    }
    throw new AssertionError("no key " + kid + " in " + keys);
  }

  static ConnectorRequestVerifier verifier(String base, TestServer s) {
    RemoteJwks jwks = RemoteJwks.builder(URI.create(base + "/.well-known/jwks.json")).clock(s.clock).backgroundRefresh(false)
        .refreshExecutor(Runnable::run).build();
    return ConnectorRequestVerifier.builder().keys(jwks).clock(s.clock).cacheSize(0).build();
  }

  static HttpResponse<String> appToken(String base, AppCredentials app) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/sentinel/api/account/" + app.accountId() + "/app/token?v=1.0"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Every value of every table that could hold a private key: a run of 800 or more Base64 characters
   * (an RSA-2048 private key is 1,217 bytes in PKCS#8, 1,624 characters in Base64; sealed, more; a
   * public JWK's modulus is 342), a PEM private key, or 600 or more bytes of binary. Returns
   * {@code table.column} of each hit.
   */
  static List<String> privateMaterial(Connection c, String schema) throws Exception {
    Pattern base64Run = Pattern.compile("[A-Za-z0-9+/_=-]{800,}");
    List<String> hits = new ArrayList<>();
    List<String> tables = new ArrayList<>();
    try (ResultSet t = c.getMetaData().getTables(null, schema, "%", new String[] {"TABLE"})) {
      while (t.next()) {
        tables.add(t.getString("TABLE_SCHEM") + "." + t.getString("TABLE_NAME"));
      }
    }
    assertThat(tables).as("tables scanned").anyMatch(n -> n.toLowerCase().endsWith(".signing_keys"));
    for (String table : tables) {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            Object v = rs.getObject(i);
            String where = table.substring(table.indexOf('.') + 1).toLowerCase() + "." + rs.getMetaData().getColumnName(i).toLowerCase();
            if (v instanceof String text && (base64Run.matcher(text).find() || text.contains("PRIVATE KEY"))) {
              hits.add(where);
            } else if (v instanceof byte[] bytes && bytes.length >= 600) {
              hits.add(where);
            }
          }
        }
      }
    }
    return hits;
  }

  static List<String> scanH2(Path dataDir) throws Exception {
    try (Database db = Database.h2(dataDir); Connection c = db.dataSource().getConnection()) {
      return privateMaterial(c, "PUBLIC");
    }
  }

  @Test
  void tokensFromKeysInTheToken_verifyAgainstTheJwks_throughRotationAndRestart_andTheStoreHoldsNoPrivateKey() throws Exception {
    SoftHsm.Token token = SoftHsm.newToken();
    TestServer server = TestServer.start(b -> b.pkcs11(SoftHsm.LIBRARY, token.label(), token.pinFile())
        .keyPublicationDelaySeconds(0).appKeyRotationDays(0));
    try {
      JsonObject ready = new JsonObject(server.get("/health/ready").body());
      assertThat(ready.getString("status")).isEqualTo("ready");
      assertThat(ready.getString("key_store")).isEqualTo("pkcs11");
      assertThat(ready.getString("signing_status")).isEqualTo("up");
      AppCredentials app = server.accountWithApp("71000001");
      String a1 = server.appJwt(app);
      String c1 = server.consumerJws("71000001", a1, "hsm-consumer");
      JsonArray k0 = keys(server);
      assertThat(k0).hasSize(2);
      for (int i = 0; i < k0.size(); i++) {
        assertThat(k0.getJsonObject(i).getString("location")).isEqualTo("pkcs11:" + token.label());
      }
      String oldApp = kid(k0, "app_token", "active");
      assertThat(TestServer.header(a1).getString("kid")).isEqualTo(oldApp);
      ConnectorRequestVerifier v = verifier(server.base(), server);
      assertThat(v.verify("71000001", a1, c1)).isInstanceOf(Identity.class);

      // rotation: the new key is made in the token, published, then signs; the old one still verifies
      assertThat(server.admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("purpose", "app_token")).statusCode()).isEqualTo(201);
      server.gatehouse().keyRotation().tick();
      JsonArray k1 = keys(server);
      String newApp = kid(k1, "app_token", "active");
      assertThat(newApp).isNotEqualTo(oldApp);
      assertThat(location(k1, newApp)).isEqualTo("pkcs11:" + token.label());
      assertThat(kid(k1, "app_token", "retiring")).isEqualTo(oldApp);
      String a2 = server.appJwt(app);
      assertThat(TestServer.header(a2).getString("kid")).isEqualTo(newApp);
      assertThat(verifier(server.base(), server).verify("71000001", a2, c1)).isInstanceOf(Identity.class);
      assertThat(verifier(server.base(), server).verify("71000001", a1, c1)).as("the old key is still published").isInstanceOf(Identity.class);

      // restart: the same objects are found by kid; old and new tokens verify, new ones are signed
      server.restart();
      assertThat(new JsonObject(server.get("/health/ready").body()).getString("signing_status")).isEqualTo("up");
      String a3 = server.appJwt(app);
      String c3 = server.consumerJws("71000001", a3, "hsm-consumer-2");
      assertThat(TestServer.header(a3).getString("kid")).isEqualTo(newApp);
      ConnectorRequestVerifier after = verifier(server.base(), server);
      assertThat(after.verify("71000001", a3, c3)).isInstanceOf(Identity.class);
      assertThat(after.verify("71000001", a2, c1)).isInstanceOf(Identity.class);
    } finally {
      server.close();
    }
    assertThat(scanH2(server.dataDir)).as("private key material in the store").isEmpty();

    // the scan finds what it looks for: a store with software keys holds their sealed private halves
    try (TestServer software = TestServer.start()) {
      software.accountWithApp("71000002");
      software.close();
      assertThat(scanH2(software.dataDir)).contains("signing_keys.private_key_sealed");
    }
  }

  @Test
  void fromSoftwareKeys_intoTheToken_byRotation_andTheOldKeysRetireOnTheNormalSchedule() throws Exception {
    SoftHsm.Token token = SoftHsm.newToken();
    TestServer server = TestServer.start(b -> b.keyPublicationDelaySeconds(0).appKeyRotationDays(0).appTokenLifetimeSeconds(600));
    try {
      AppCredentials app = server.accountWithApp("71000003");
      String a1 = server.appJwt(app);
      String c1 = server.consumerJws("71000003", a1, "moving-consumer");
      String softApp = kid(keys(server), "app_token", "active");
      String softConsumer = kid(keys(server), "consumer_token", "active");
      assertThat(location(keys(server), softApp)).isEqualTo("software");

      // 1. the same store, now with the token: software keys keep signing until the rings rotate
      server.restartWith(b -> b.pkcs11(SoftHsm.LIBRARY, token.label(), token.pinFile())
          .keyPublicationDelaySeconds(0).appKeyRotationDays(0).appTokenLifetimeSeconds(600));
      assertThat(TestServer.header(server.appJwt(app)).getString("kid")).isEqualTo(softApp);
      // 2. rotate both rings: the new keys are made in the token and sign from the next tick
      assertThat(server.admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("purpose", "app_token")).statusCode()).isEqualTo(201);
      assertThat(server.admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("purpose", "consumer_token")).statusCode()).isEqualTo(201);
      server.gatehouse().keyRotation().tick();
      JsonArray k = keys(server);
      String hsmApp = kid(k, "app_token", "active");
      String hsmConsumer = kid(k, "consumer_token", "active");
      assertThat(location(k, hsmApp)).isEqualTo("pkcs11:" + token.label());
      assertThat(location(k, hsmConsumer)).isEqualTo("pkcs11:" + token.label());
      String a2 = server.appJwt(app);
      String c2 = server.consumerJws("71000003", a2, "new-consumer");
      assertThat(TestServer.header(a2).getString("kid")).isEqualTo(hsmApp);
      assertThat(TestServer.header(c2).getString("kid")).isEqualTo(hsmConsumer);
      ConnectorRequestVerifier v = verifier(server.base(), server);
      assertThat(v.verify("71000003", a2, c2)).isInstanceOf(Identity.class);
      assertThat(v.verify("71000003", a1, c1)).as("tokens of the software keys still verify").isInstanceOf(Identity.class);
      assertThat(v.verify("71000003", a2, c1)).as("a cached ConsumerJWS of the software key keeps working").isInstanceOf(Identity.class);

      // 3. the old AppJWT key retires once its last token has expired, and its sealed half is wiped
      server.clock.advance(Duration.ofSeconds(600 + 61));
      server.gatehouse().keyRotation().tick();
      JsonArray retired = keys(server);
      assertThat(kid(retired, "app_token", "retired")).isEqualTo(softApp);
      assertThat(kid(retired, "consumer_token", "retiring")).as("a ConsumerJWS key retires only by hand (--force)").isEqualTo(softConsumer);
      assertThat(server.admin("POST", "/admin/v1/keys/" + softConsumer + "/retire", new JsonObject().put("force", true)).statusCode()).isEqualTo(200);
      String a3 = server.appJwt(app);
      assertThat(verifier(server.base(), server).verify("71000003", a3, server.consumerJws("71000003", a3, "third"))).isInstanceOf(Identity.class);
    } finally {
      server.close();
    }
    assertThat(scanH2(server.dataDir)).as("after the move and the retirements, no private key is left in the store").isEmpty();
  }

  @Test
  void aLoggedOutToken_answers503_neverA500_andSignsAgainOnceLoggedIn() throws Exception {
    SoftHsm.Token token = SoftHsm.newToken();
    try (TestServer server = TestServer.start(b -> b.pkcs11(SoftHsm.LIBRARY, token.label(), token.pinFile()))) {
      AppCredentials app = server.accountWithApp("71000004");
      assertThat(appToken(server.base(), app).statusCode()).isEqualTo(200);
      // the token logs this application out (an HSM restart or failover does); the server's probe
      // logs in again within 2 s, so the request must come at once: a few tries
      int refused = 0;
      for (int i = 0; i < 5 && refused == 0; i++) {
        TokenSupport.logOut(SoftHsm.LIBRARY, token.label(), token.pin().toCharArray());
        HttpResponse<String> r = appToken(server.base(), app);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
        if (r.statusCode() == 503) {
          refused++;
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
          assertThat(r.body()).doesNotContain("CKR_").doesNotContain(token.pin());
        }
      }
      assertThat(refused).as("a signature while logged out is refused with 503").isPositive();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      HttpResponse<String> r = appToken(server.base(), app);
      while (r.statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(250);
        r = appToken(server.base(), app);
      }
      assertThat(r.statusCode()).as("signs again").isEqualTo(200);
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
      String jwt = new JsonObject(r.body()).getString("access_token");
      assertThat(verifier(server.base(), server).verify("71000004", jwt, server.consumerJws("71000004", jwt, "after-logout"))).isInstanceOf(Identity.class);
    }
  }

  @Test
  void aTokenThatGoesAway_failsReadiness_andTokenRequests_with503_untilTheNodeRestartsWithItBack() throws Exception {
    // a process of its own: SoftHSM2 reads its tokens when that process loads it
    SoftHsm.Token token = SoftHsm.newTokenForAnotherProcess();
    Path data = Files.createTempDirectory("gatehouse-hsm-away").resolve("data");
    String[] args = {"--key-store", "pkcs11", "--pkcs11-library", SoftHsm.LIBRARY.toString(), "--pkcs11-token-label", token.label(),
        "--pkcs11-pin-file", token.pinFile().toString()};
    AppCredentials app;
    try (ServeProcess node = ServeProcess.start(data, List.of(), Map.of(), args)) {
      assertThat(new JsonObject(get(node.base() + "/health/ready").body()).getString("key_store")).isEqualTo("pkcs11");
      JsonObject acct = new JsonObject(node.admin(HTTP, "POST", "/admin/v1/accounts", "{\"id\":\"71000005\",\"name\":\"a\"}").body());
      assertThat(acct.getString("id")).isEqualTo("71000005");
      JsonObject made = new JsonObject(node.admin(HTTP, "POST", "/admin/v1/accounts/71000005/apps", "{\"name\":\"c\"}").body());
      app = new AppCredentials("71000005", made.getString("client_id"), made.getString("client_secret"));
      assertThat(appToken(node.base(), app).statusCode()).isEqualTo(200);

      token.takeAway();
      try {
        // SoftHSM2 notices a vanished token directory at its next look, not at once
        long noticed = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> refused = appToken(node.base(), app);
        while (refused.statusCode() == 200 && System.nanoTime() < noticed) {
          Thread.sleep(100);
          refused = appToken(node.base(), app);
        }
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> ready = get(node.base() + "/health/ready");
        while (ready.statusCode() != 503 && System.nanoTime() < deadline) {
          Thread.sleep(200);
          ready = get(node.base() + "/health/ready");
        }
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(ready.body()).getString("signing_status")).isEqualTo("down");
        Thread.sleep(2500); // a probe or two later: still refused, never signed some other way
        assertThat(appToken(node.base(), app).statusCode()).isEqualTo(503);
        assertThat(get(node.base() + "/health/live").statusCode()).as("alive, only not ready").isEqualTo(200);
        assertThat(node.output()).contains("cannot sign").doesNotContain(token.pin());
      } finally {
        token.bringBack();
      }
    }
    // SoftHSM2 does not take a vanished token back within a process (a network HSM's library
    // reconnects, and the probe logs in again); restarted, the node finds its keys in the token
    try (ServeProcess node = ServeProcess.start(data, List.of(), Map.of(), args)) {
      assertThat(get(node.base() + "/health/ready").statusCode()).isEqualTo(200);
      assertThat(appToken(node.base(), app).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aWrongLabelPinOrLibrary_refusesToStart_withOneLine() throws Exception {
    SoftHsm.Token token = SoftHsm.newTokenForAnotherProcess();
    Path wrongPin = Files.createTempFile("gatehouse-pin", ".txt");
    Files.writeString(wrongPin, "wrong-pin\n");
    record Bad(String library, String label, Path pin, String says) {}
    for (Bad b : List.of(
        new Bad(SoftHsm.LIBRARY.toString(), "no-such-token", token.pinFile(), "no PKCS#11 token labelled 'no-such-token'"),
        new Bad(SoftHsm.LIBRARY.toString(), token.label(), wrongPin, "refused the PIN"),
        new Bad("/usr/lib/no-such-pkcs11.so", token.label(), token.pinFile(), "no such file"))) {
      Path data = Files.createTempDirectory("gatehouse-hsm-bad").resolve("data");
      try (ServeProcess p = ServeProcess.launch(data, List.of(), Map.of(), "--key-store", "pkcs11", "--pkcs11-library", b.library(),
          "--pkcs11-token-label", b.label(), "--pkcs11-pin-file", b.pin().toString())) {
        assertThat(p.waitFor(60)).as(p.output()).isNotZero();
        long read = System.nanoTime() + Duration.ofSeconds(5).toNanos(); // the output pump may still be reading the last lines
        while (!p.output().contains("error") && System.nanoTime() < read) {
          Thread.sleep(50);
        }
        List<String> errors = p.output().lines().filter(l -> l.startsWith("error")).toList();
        assertThat(errors).as(p.output()).hasSize(1);
        assertThat(errors.get(0)).contains(b.says());
        assertThat(p.output()).doesNotContain("at dev.gatehouse").doesNotContain("wrong-pin");
      }
    }
  }

  @Test
  void twoNodesOnOnePostgres_shareTheTokensKeys_andARotationOnOneReachesTheOther() throws Exception {
    try (Postgres.Schema schema = Postgres.freshSchema()) {
      SoftHsm.Token token = SoftHsm.newTokenForAnotherProcess();
      String master = dev.gatehouse.keys.MasterKey.generate().encoded();
      Map<String, String> env = Map.of("GATEHOUSE_MASTER_KEY", master);
      String[] args = {"--db", schema.url(), "--key-store", "pkcs11", "--pkcs11-library", SoftHsm.LIBRARY.toString(),
          "--pkcs11-token-label", token.label(), "--pkcs11-pin-file", token.pinFile().toString(), "--key-publication-delay", "0"};
      try (ServeProcess a = ServeProcess.start(Files.createTempDirectory("gh-hsm-a").resolve("data"), List.of(), env, args);
          ServeProcess b = ServeProcess.start(Files.createTempDirectory("gh-hsm-b").resolve("data"), List.of(), env, args)) {
        a.admin(HTTP, "POST", "/admin/v1/accounts", "{\"id\":\"71000006\",\"name\":\"a\"}");
        JsonObject made = new JsonObject(a.admin(HTTP, "POST", "/admin/v1/accounts/71000006/apps", "{\"name\":\"c\"}").body());
        AppCredentials app = new AppCredentials("71000006", made.getString("client_id"), made.getString("client_secret"));
        String fromB = awaitToken(b.base(), app);
        String fromA = awaitToken(a.base(), app);
        assertThat(TestServer.header(fromA).getString("kid")).isEqualTo(TestServer.header(fromB).getString("kid"));
        String first = TestServer.header(fromA).getString("kid");

        // A rotates (the key is made in the token by A); B learns of it, finds the object and signs with it
        assertThat(a.admin(HTTP, "POST", "/admin/v1/keys/rotate", "{\"purpose\":\"app_token\"}").statusCode()).isEqualTo(201);
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String kidB = first;
        while (kidB.equals(first) && System.nanoTime() < deadline) {
          Thread.sleep(500);
          kidB = TestServer.header(awaitToken(b.base(), app)).getString("kid");
        }
        assertThat(kidB).as("B signs with the key A made").isNotEqualTo(first);
        JsonArray list = new JsonObject(b.admin(HTTP, "GET", "/admin/v1/keys", null).body()).getJsonArray("keys");
        assertThat(location(list, kidB)).isEqualTo("pkcs11:" + token.label());
        // each node's tokens verify against the other's JWKS
        String tokenB = awaitToken(b.base(), app);
        String tokenA = awaitToken(a.base(), app);
        for (String[] pair : new String[][] {{a.base(), tokenB}, {b.base(), tokenA}}) {
          RemoteJwks jwks = RemoteJwks.builder(URI.create(pair[0] + "/.well-known/jwks.json")).backgroundRefresh(false).refreshExecutor(Runnable::run).build();
          ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(jwks).cacheSize(0).build();
          HttpResponse<String> consumer = HTTP.send(HttpRequest.newBuilder(URI.create(pair[0] + "/api/account/71000006/consumer?v=1.0"))
              .header("Content-Type", "application/json").header("Authorization", pair[1])
              .POST(HttpRequest.BodyPublishers.ofString("{\"ext_consumer_id\":\"two-nodes\"}")).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(consumer.statusCode()).as(consumer.body()).isEqualTo(201);
          assertThat(v.verify("71000006", pair[1], new JsonObject(consumer.body()).getString("token"))).isInstanceOf(Identity.class);
        }
      }
      try (Connection c = java.sql.DriverManager.getConnection(schema.url())) {
        assertThat(privateMaterial(c, schema.name())).as("private key material in the PostgreSQL store").isEmpty();
      }
    }
  }

  static String awaitToken(String base, AppCredentials app) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    HttpResponse<String> r = appToken(base, app);
    while (r.statusCode() != 200 && System.nanoTime() < deadline) { // the app reaches the other node within its refresh
      Thread.sleep(200);
      r = appToken(base, app);
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }
}
