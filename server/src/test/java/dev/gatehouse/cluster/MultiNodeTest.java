package dev.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.MutableClock;
import dev.gatehouse.Nginx;
import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import dev.gatehouse.keys.MasterKey;
import dev.gatehouse.store.Postgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes on one PostgreSQL schema, on three ports, sharing the master key (and, for the key
 * rotation, one fake clock): what one node issues the others verify, an admin change made through
 * one reaches the others, a key rotation breaks no token, and the shipped nginx load-balancer
 * config spreads requests over all three. How fast a change propagates is a measurement, not a
 * test: this waits up to 15 s for each (a shared machine can be slow); the figure is reported by
 * {@code bench/}.
 */
class MultiNodeTest {
  static Postgres.Schema schema;
  static final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  static final List<TestServer> nodes = new ArrayList<>();
  static String masterKey;

  @BeforeAll
  static void start() throws Exception {
    schema = Postgres.freshSchema();
    masterKey = MasterKey.generate().encoded();
    // started together on an empty database: the first keys must be made once, not three times
    List<CompletableFuture<TestServer>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starting.add(CompletableFuture.supplyAsync(() -> TestServer.start(b -> b.db(schema.url()).masterKey(masterKey).clock(clock))));
    }
    for (CompletableFuture<TestServer> f : starting) {
      nodes.add(f.join());
    }
  }

  @AfterAll
  static void stop() {
    nodes.forEach(TestServer::close);
    if (schema != null) {
      schema.close();
    }
  }

  static TestServer node(int n) {
    return nodes.get(n - 1);
  }

  /** Waits (up to 15 s) until a change has reached where it must; returns how long it took. */
  static Duration eventually(String what, BooleanSupplier ok) throws InterruptedException {
    long start = System.nanoTime();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() - start > 15_000_000_000L) {
        throw new AssertionError(what + " did not happen within 15 s");
      }
      Thread.sleep(20);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  static String jwks(TestServer node) {
    return node.get("/.well-known/jwks.json").body();
  }

  static Set<String> kids(String jwks) {
    Set<String> kids = new HashSet<>();
    new JsonObject(jwks).getJsonArray("keys").forEach(k -> kids.add(((JsonObject) k).getString("kid")));
    return kids;
  }

  @Test
  void oneSetOfKeysEvenWhenNodesStartTogether() throws Exception {
    assertThat(schema.count("SELECT count(*) FROM signing_keys")).isEqualTo(2);
    assertThat(jwks(node(2))).isEqualTo(jwks(node(1)));
    assertThat(jwks(node(3))).isEqualTo(jwks(node(1)));
  }

  @Test
  void whatOneNodeIssuesEveryNodeAccepts() throws Exception {
    AppCredentials app = node(1).accountWithApp("7001");
    String appJwt = node(1).appJwt(app);
    // the account reached the other nodes by notice
    eventually("account on node 2 and 3", () -> node(2).consumer("7001", appJwt, "{\"ext_consumer_id\":\"probe\"}").statusCode() == 201
        && node(3).consumer("7001", appJwt, "{\"ext_consumer_id\":\"probe\"}").statusCode() == 201);

    // the same consumer gets the same token, and so the same lp_consumer_id, on every node
    String t1 = node(1).consumerJws("7001", appJwt, "whatsapp:+4915100000001");
    String t2 = node(2).consumerJws("7001", appJwt, "whatsapp:+4915100000001");
    String t3 = node(3).consumerJws("7001", appJwt, "whatsapp:+4915100000001");
    assertThat(t2).isEqualTo(t1);
    assertThat(t3).isEqualTo(t1);
    assertThat(TestServer.claims(t1).getString("lp_consumer_id")).matches("[0-9a-f]{64}");

    // node 3 introspects node 1's AppJWT, and its gateway check accepts the pair
    HttpResponse<String> intro = node(3).post("/oauth/introspect", "application/x-www-form-urlencoded", "token=" + appJwt,
        Map.of("Authorization", "Bearer " + TestServer.ADMIN_TOKEN));
    assertThat(new JsonObject(intro.body()).getBoolean("active")).as(intro.body()).isTrue();
    HttpResponse<String> gate = node(2).send(node(2).request("/gateway/authorize")
        .header("X-Original-URI", "/api/account/7001/messaging/consumer/conversation/send?v=3")
        .header("Authorization", appJwt).header("X-LP-ON-BEHALF", t3).GET());
    assertThat(gate.statusCode()).as(gate.body()).isEqualTo(200);
    assertThat(gate.headers().firstValue("X-Gatehouse-Lp-Consumer-Id")).contains(TestServer.claims(t1).getString("lp_consumer_id"));

    // an app made through node 2 is usable at once through node 2 and, after the notice, on node 1
    AppCredentials second = node(2).createApp("7001");
    eventually("new app on node 1", () -> node(1).post("/sentinel/api/account/7001/app/token?v=1.0", "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + second.clientId() + "&client_secret=" + second.clientSecret(), Map.of()).statusCode() == 200);
    // and the admin API of node 3 finds it even before any notice could have arrived
    assertThat(node(3).admin("GET", "/admin/v1/accounts/7001/apps/" + second.clientId(), null).statusCode()).isEqualTo(200);
  }

  @Test
  void aDisableOnOneNodeIsRefusedOnTheOthersWithin2s() throws Exception {
    AppCredentials app = node(1).accountWithApp("7002");
    String appJwt = node(1).appJwt(app);
    eventually("account on node 3", () -> node(3).consumer("7002", appJwt, "{\"ext_consumer_id\":\"x\"}").statusCode() == 201);
    String consumer = node(1).consumerJws("7002", appJwt, "sms:+15550001");

    assertThat(node(2).admin("POST", "/admin/v1/accounts/7002/apps/" + app.clientId() + "/disable", null).statusCode()).isEqualTo(200);
    Duration took = eventually("disable seen on nodes 1 and 3", () ->
        tokenStatus(node(1), app) == 401 && tokenStatus(node(3), app) == 401
            && node(1).consumer("7002", appJwt, "{\"ext_consumer_id\":\"y\"}").statusCode() == 401
            && node(3).consumer("7002", appJwt, "{\"ext_consumer_id\":\"y\"}").statusCode() == 401);
    System.out.println("disable reached the other nodes in " + took.toMillis() + " ms");

    assertThat(node(3).admin("POST", "/admin/v1/accounts/7002/apps/" + app.clientId() + "/enable", null).statusCode()).isEqualTo(200);
    eventually("enable seen on node 1", () -> tokenStatus(node(1), app) == 200);

    // a revocation on node 3 is enforced by node 1's IDP and node 2's gateway
    String lp = TestServer.claims(consumer).getString("lp_consumer_id");
    assertThat(node(3).admin("POST", "/admin/v1/accounts/7002/consumers/" + lp + "/revoke", null).statusCode()).isEqualTo(200);
    eventually("revocation seen on nodes 1 and 2", () ->
        node(1).consumer("7002", appJwt, "{\"ext_consumer_id\":\"sms:+15550001\"}").statusCode() == 403
            && node(2).send(node(2).request("/gateway/authorize")
                .header("X-Original-URI", "/api/account/7002/messaging/consumer/conversation/send?v=3")
                .header("Authorization", appJwt).header("X-LP-ON-BEHALF", consumer).GET()).statusCode() == 401);
  }

  @Test
  void anAppWhoseNoticeWasLostIsFoundInTheStoreOnFirstUse() throws Exception {
    // another writer on the database that sends no notice (as if it were lost): only the nodes'
    // look-up on a miss can find these before the periodic re-read, 30 s away
    AppCredentials quiet;
    try (dev.gatehouse.store.Database other = dev.gatehouse.store.Database.connect(schema.url())) {
      MasterKey mk = MasterKey.parse(masterKey);
      var accounts = new dev.gatehouse.accounts.AccountDirectory(new dev.gatehouse.store.JdbcAccountRepository(other), mk, clock);
      accounts.create(new dev.gatehouse.accounts.AccountId("7010"), "Quiet");
      var apps = new dev.gatehouse.apps.AppDirectory(new dev.gatehouse.store.JdbcAppRepository(other),
          new dev.gatehouse.apps.ClientSecrets(mk), clock);
      var created = apps.create(new dev.gatehouse.accounts.AccountId("7010"), "quiet", List.of());
      quiet = new AppCredentials("7010", created.app().clientId().value(), created.clientSecret());
    }
    assertThat(tokenStatus(node(1), quiet)).as("Sentinel on the first request").isEqualTo(200);
    String jwt = node(1).appJwt(quiet);
    assertThat(node(2).consumer("7010", jwt, "{\"ext_consumer_id\":\"q\"}").statusCode()).as("IDP on the first request").isEqualTo(201);
    assertThat(node(3).admin("GET", "/admin/v1/accounts/7010/apps/" + quiet.clientId(), null).statusCode()).isEqualTo(200);
    // a made-up client id is still refused, and its look-up is not repeated within 2 s
    AppCredentials madeUp = new AppCredentials("7010", java.util.UUID.randomUUID().toString(), "nope");
    assertThat(tokenStatus(node(1), madeUp)).isEqualTo(401);
    assertThat(tokenStatus(node(1), madeUp)).isEqualTo(401);
    AppCredentials wrongSecret = new AppCredentials("7010", quiet.clientId(), "wrong");
    assertThat(tokenStatus(node(3), wrongSecret)).isEqualTo(401);
  }

  static int tokenStatus(TestServer node, AppCredentials app) {
    return node.post("/sentinel/api/account/" + app.accountId() + "/app/token?v=1.0", "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), Map.of()).statusCode();
  }

  @Test
  void aRotationOnNodeThreeBreaksNoTokenAnywhere() throws Exception {
    AppCredentials app = node(1).accountWithApp("7003");
    eventually("account everywhere", () -> tokenStatus(node(2), app) == 200 && tokenStatus(node(3), app) == 200
        && node(2).consumer("7003", node(1).appJwt(app), "{\"ext_consumer_id\":\"x\"}").statusCode() == 201
        && node(3).consumer("7003", node(1).appJwt(app), "{\"ext_consumer_id\":\"x\"}").statusCode() == 201);
    String oldKid = TestServer.header(node(1).appJwt(app)).getString("kid");

    // traffic in the background: issue on one node, use on another, all the time
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger rounds = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    Thread traffic = new Thread(() -> {
      for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
        TestServer issuer = nodes.get(i % 3);
        TestServer user = nodes.get((i + 1) % 3);
        try {
          String jwt = issuer.appJwt(app);
          HttpResponse<String> r = user.consumer("7003", jwt, "{\"ext_consumer_id\":\"rot-" + i + "\"}");
          if (r.statusCode() != 201) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, r.statusCode() + " " + r.body());
          }
          rounds.incrementAndGet();
        } catch (RuntimeException | AssertionError e) {
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
          failures.incrementAndGet();
          firstFailure.compareAndSet(null, e.toString());
        }
      }
    });
    traffic.start();
    try {
      HttpResponse<String> rotated = node(3).admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("purpose", "app_token"));
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
      String newKid = new JsonObject(rotated.body()).getString("kid");
      eventually("every node publishes the new key", () -> kids(jwks(node(1))).contains(newKid) && kids(jwks(node(2))).contains(newKid));
      assertThat(jwks(node(1))).isEqualTo(jwks(node(3)));
      assertThat(jwks(node(2))).isEqualTo(jwks(node(3)));

      // the publication delay passes; every node runs its scheduled check at once: one promotes
      clock.advance(Duration.ofMinutes(10));
      List<CompletableFuture<Boolean>> ticks = nodes.stream()
          .map(n -> CompletableFuture.supplyAsync(() -> n.gatehouse().keyRotation().tick())).toList();
      long promoted = ticks.stream().filter(CompletableFuture::join).count();
      assertThat(promoted).as("nodes that changed a key").isLessThanOrEqualTo(1);
      eventually("every node signs with the new key", () -> nodes.stream().allMatch(n -> newKid.equals(TestServer.header(n.appJwt(app)).getString("kid"))));
      assertThat(kids(jwks(node(1)))).contains(oldKid, newKid);
      assertThat(jwks(node(1))).isEqualTo(jwks(node(2))).isEqualTo(jwks(node(3)));
      int before = rounds.get();
      eventually("more traffic after the switch", () -> rounds.get() > before + 10);
    } finally {
      traffic.interrupt();
      traffic.join(10_000);
    }
    assertThat(failures.get()).as("failed requests during the rotation; first: %s", firstFailure.get()).isZero();
    assertThat(rounds.get()).isGreaterThan(10);
    assertThat(schema.count("SELECT count(*) FROM signing_keys WHERE purpose = 'APP_TOKEN' AND state = 'ACTIVE'")).isEqualTo(1);
  }

  @Test
  void theShippedLoadBalancerConfigSpreadsRequestsOverAllNodes() throws Exception {
    Nginx.assumeInstalled();
    int port = Nginx.freePort();
    String conf = Nginx.shipped("load-balancer.conf")
        .replace("127.0.0.1:8081", "127.0.0.1:" + node(1).gatehouse().port())
        .replace("127.0.0.1:8082", "127.0.0.1:" + node(2).gatehouse().port())
        .replace("127.0.0.1:8083", "127.0.0.1:" + node(3).gatehouse().port())
        .replace("listen 127.0.0.1:8000;", "listen 127.0.0.1:" + port + ";");
    AppCredentials app = node(1).accountWithApp("7004");
    eventually("account everywhere", () -> tokenStatus(node(2), app) == 200 && tokenStatus(node(3), app) == 200);
    HttpClient http = HttpClient.newHttpClient();
    try (Nginx lb = Nginx.start(conf, port)) {
      Set<String> upstreams = new HashSet<>();
      Set<String> lps = new HashSet<>();
      for (int i = 0; i < 12; i++) {
        HttpResponse<String> t = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sentinel/api/account/7004/app/token?v=1.0"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret()))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        t.headers().firstValue("X-Gatehouse-Upstream").ifPresent(upstreams::add);
        String jwt = new JsonObject(t.body()).getString("access_token");
        HttpResponse<String> c = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/account/7004/consumer?v=1.0"))
            .header("Content-Type", "application/json").header("Authorization", jwt)
            .POST(HttpRequest.BodyPublishers.ofString("{\"ext_consumer_id\":\"lb-consumer\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
        c.headers().firstValue("X-Gatehouse-Upstream").ifPresent(upstreams::add);
        lps.add(TestServer.claims(new JsonObject(c.body()).getString("token")).getString("lp_consumer_id"));
      }
      assertThat(upstreams).as("nodes that answered").hasSize(3);
      assertThat(lps).as("one consumer, one lp_consumer_id, whichever node answered").hasSize(1);
      HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.well-known/jwks.json")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonObject(jwks.body()).getJsonArray("keys")).isNotEmpty();
    }
  }
}
