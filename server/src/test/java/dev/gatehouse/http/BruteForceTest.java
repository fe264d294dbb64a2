package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Brute force against client secrets, the admin token and introspection is locked out per
 * (credential, source address) and per address, with 429 and Retry-After; the right credential
 * from another address keeps working; lockouts are listed, lifted and audited. Requests come from
 * different loopback addresses (127.0.0.1, .2, .3), bound on raw sockets.
 */
class BruteForceTest {
  record Reply(int status, String headers, String body) {}

  static Reply http(TestServer s, String from, String method, String path, Map<String, String> headers, String body) throws IOException {
    try (Socket sock = new Socket()) {
      sock.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      sock.connect(new InetSocketAddress("127.0.0.1", s.gatehouse().port()), 5000);
      sock.setSoTimeout(10_000);
      byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + b.length + "\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("\r\n");
      sock.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
      sock.getOutputStream().write(b);
      String all = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      return new Reply(Integer.parseInt(all.substring(9, 12)), all.substring(0, split), all.substring(split + 4));
    }
  }

  static Reply token(TestServer s, String from, String clientId, String secret) throws IOException {
    return http(s, from, "POST", "/sentinel/api/account/5313846/app/token?grant_type=client_credentials",
        Map.of("Content-Type", "application/x-www-form-urlencoded"), "client_id=" + clientId + "&client_secret=" + secret);
  }

  @Test
  void wrongSecrets_lockTheClientOutFromThatAddressOnly_andTheLockoutEnds() throws Exception {
    try (TestServer s = TestServer.start()) {
      AppCredentials app = s.accountWithApp("5313846");
      for (int i = 0; i < 10; i++) {
        assertThat(token(s, "127.0.0.1", app.clientId(), "wrong-" + i).status()).isEqualTo(401);
      }
      Reply locked = token(s, "127.0.0.1", app.clientId(), app.clientSecret());
      assertThat(locked.status()).as("even the right secret, from the address that guessed").isEqualTo(429);
      assertThat(locked.headers()).containsIgnoringCase("Retry-After: 60");
      assertThat(new JsonObject(locked.body()).getString("error")).isEqualTo("temporarily_unavailable");
      assertThat(token(s, "127.0.0.2", app.clientId(), app.clientSecret()).status()).as("the connector, from its own address").isEqualTo(200);

      s.clock.advance(Duration.ofSeconds(61));
      assertThat(token(s, "127.0.0.1", app.clientId(), app.clientSecret()).status()).isEqualTo(200);
      // the next lockout from there lasts twice as long
      for (int i = 0; i < 10; i++) {
        token(s, "127.0.0.1", app.clientId(), "wrong-" + i);
      }
      assertThat(token(s, "127.0.0.1", app.clientId(), app.clientSecret()).headers()).containsIgnoringCase("Retry-After: 120");
    }
  }

  @Test
  void guessingManyClientIds_fromOneAddress_runsItsBudgetDry() throws Exception {
    try (TestServer s = TestServer.start()) {
      AppCredentials app = s.accountWithApp("5313846");
      int refused = 0;
      for (int i = 0; i < 40; i++) {
        int st = token(s, "127.0.0.3", UUID.randomUUID().toString(), "guess").status();
        if (st == 429) {
          refused++;
        } else {
          assertThat(st).isEqualTo(401); // an unknown id reads like a wrong secret
        }
      }
      assertThat(refused).as("refused after the burst of 30").isGreaterThanOrEqualTo(9);
      assertThat(token(s, "127.0.0.3", app.clientId(), app.clientSecret()).status()).isEqualTo(429);
      assertThat(token(s, "127.0.0.2", app.clientId(), app.clientSecret()).status()).isEqualTo(200);
    }
  }

  @Test
  void longClientIds_areCountedAsOneSubject_soTheyCannotFillTheTables() throws Exception {
    try (TestServer s = TestServer.start()) {
      AppCredentials app = s.accountWithApp("5313846");
      for (int i = 0; i < 10; i++) {
        String junk = String.format("%05d", i) + "x".repeat(10_000);
        assertThat(token(s, "127.0.0.4", junk, "guess").status()).isEqualTo(401);
      }
      assertThat(token(s, "127.0.0.4", "y".repeat(10_000), "guess").status()).as("the tenth locked every long id out").isEqualTo(429);
      assertThat(token(s, "127.0.0.4", app.clientId(), app.clientSecret()).status()).as("a real client id from there").isEqualTo(200);
      String right = "Bearer " + TestServer.ADMIN_TOKEN;
      Reply list = http(s, "127.0.0.2", "GET", "/admin/v1/lockouts", Map.of("Authorization", right), null);
      JsonArray lockouts = new JsonObject(list.body()).getJsonArray("lockouts");
      assertThat(lockouts).hasSize(1);
      assertThat(lockouts.getJsonObject(0).getString("subject")).isEqualTo("(more than 64 characters)");
      assertThat(list.body().length()).isLessThan(1_000);
    }
  }

  @Test
  void wrongAdminTokens_lockTheAddressOut_andAnAdminListsAndLiftsIt() throws Exception {
    try (TestServer s = TestServer.start()) {
      Map<String, String> wrong = Map.of("Authorization", "Bearer nope-0123456789");
      Map<String, String> right = Map.of("Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
      for (int i = 0; i < 5; i++) {
        assertThat(http(s, "127.0.0.1", "GET", "/admin/v1/accounts", wrong, null).status()).isEqualTo(401);
      }
      assertThat(http(s, "127.0.0.1", "GET", "/admin/v1/accounts", right, null).status()).isEqualTo(429);
      Reply list = http(s, "127.0.0.2", "GET", "/admin/v1/lockouts", right, null);
      assertThat(list.status()).isEqualTo(200);
      JsonArray lockouts = new JsonObject(list.body()).getJsonArray("lockouts");
      assertThat(lockouts).hasSize(1);
      assertThat(lockouts.getJsonObject(0).getString("door")).isEqualTo("admin_token");
      assertThat(lockouts.getJsonObject(0).getString("address")).isEqualTo("127.0.0.1");

      Reply lift = http(s, "127.0.0.2", "DELETE", "/admin/v1/lockouts?address=127.0.0.1", right, null);
      assertThat(new JsonObject(lift.body()).getInteger("lifted")).isEqualTo(1);
      assertThat(http(s, "127.0.0.1", "GET", "/admin/v1/accounts", right, null).status()).isEqualTo(200);
      String audit = http(s, "127.0.0.2", "GET", "/admin/v1/audit", right, null).body();
      assertThat(audit).contains("\"action\":\"lockout.lift\"");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!audit.contains("\"action\":\"lockout\"") && System.nanoTime() < deadline) {
        Thread.sleep(50);
        audit = http(s, "127.0.0.2", "GET", "/admin/v1/audit", right, null).body();
      }
      assertThat(audit).contains("\"action\":\"lockout\"").doesNotContain("nope-0123456789");
      assertThat(http(s, "127.0.0.2", "GET", "/metrics", Map.of(), null).body()).contains("gatehouse_auth_lockouts_total{door=\"admin_token\"");
    }
  }

  @Test
  void forwardedFor_isBelievedOnlyFromATrustedProxy() throws Exception {
    try (TestServer s = TestServer.start(b -> b.trustedProxy("127.0.0.1/32"))) {
      AppCredentials app = s.accountWithApp("5313846");
      Map<String, String> viaProxy = Map.of("Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-For", "203.0.113.7");
      for (int i = 0; i < 10; i++) {
        http(s, "127.0.0.1", "POST", "/sentinel/api/account/5313846/app/token?grant_type=client_credentials", viaProxy,
            "client_id=" + app.clientId() + "&client_secret=wrong");
      }
      // the proxy's other clients are not locked out; the one that guessed is
      assertThat(token(s, "127.0.0.1", app.clientId(), app.clientSecret()).status()).isEqualTo(200);
      assertThat(http(s, "127.0.0.1", "POST", "/sentinel/api/account/5313846/app/token?grant_type=client_credentials", viaProxy,
          "client_id=" + app.clientId() + "&client_secret=" + app.clientSecret()).status()).isEqualTo(429);
      // from an untrusted peer the header means nothing
      Map<String, String> forged = Map.of("Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-For", "198.51.100.1");
      for (int i = 0; i < 10; i++) {
        http(s, "127.0.0.2", "POST", "/sentinel/api/account/5313846/app/token?grant_type=client_credentials", forged,
            "client_id=" + app.clientId() + "&client_secret=wrong");
      }
      assertThat(token(s, "127.0.0.2", app.clientId(), app.clientSecret()).status()).isEqualTo(429);
    }
  }

  @Test
  void onSeveralNodes_theFailuresAddUp_andTheLockoutHoldsOnEveryNode() throws Exception {
    try (dev.gatehouse.store.Postgres.Schema schema = dev.gatehouse.store.Postgres.freshSchema()) {
      String key = dev.gatehouse.keys.MasterKey.generate().encoded();
      try (TestServer a = TestServer.start(b -> b.db(schema.url()).masterKey(key));
           TestServer b = TestServer.start(c -> c.db(schema.url()).masterKey(key))) {
        AppCredentials app = a.accountWithApp("5313846");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (token(b, "127.0.0.2", app.clientId(), app.clientSecret()).status() != 200 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        // five wrong secrets on each node: neither alone reaches ten
        for (int i = 0; i < 5; i++) {
          assertThat(token(a, "127.0.0.1", app.clientId(), "wrong").status()).isEqualTo(401);
          assertThat(token(b, "127.0.0.1", app.clientId(), "wrong").status()).isEqualTo(401);
        }
        while ((token(a, "127.0.0.1", app.clientId(), app.clientSecret()).status() != 429
            || token(b, "127.0.0.1", app.clientId(), app.clientSecret()).status() != 429) && System.nanoTime() < deadline + Duration.ofSeconds(15).toNanos()) {
          Thread.sleep(50);
        }
        assertThat(token(a, "127.0.0.1", app.clientId(), app.clientSecret()).status()).isEqualTo(429);
        assertThat(token(b, "127.0.0.1", app.clientId(), app.clientSecret()).status()).isEqualTo(429);
        assertThat(token(b, "127.0.0.2", app.clientId(), app.clientSecret()).status()).isEqualTo(200);
        // lifted on one node: lifted on both
        assertThat(http(a, "127.0.0.2", "DELETE", "/admin/v1/lockouts?door=client_secret", Map.of("Authorization", "Bearer " + TestServer.ADMIN_TOKEN), null)
            .status()).isEqualTo(200);
        while (token(b, "127.0.0.1", app.clientId(), app.clientSecret()).status() != 200 && System.nanoTime() < deadline + Duration.ofSeconds(30).toNanos()) {
          Thread.sleep(50);
        }
        assertThat(token(b, "127.0.0.1", app.clientId(), app.clientSecret()).status()).isEqualTo(200);
      }
    }
  }
}
