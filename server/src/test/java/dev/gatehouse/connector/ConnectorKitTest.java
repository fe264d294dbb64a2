package dev.gatehouse.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector kit against a real server with the Send API sandbox: the same clock for both, so
 * token lifetimes are crossed without waiting; retries with a sleeper that records instead of
 * sleeping.
 */
class ConnectorKitTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(b -> b.sandbox(true).appTokenLifetimeSeconds(120));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static TestServer.AppCredentials app(TestServer s, String account) {
    return s.accountWithApp(account);
  }

  static ConnectorClient.Builder client(TestServer s, TestServer.AppCredentials app) {
    return ConnectorClient.builder().domainApi(s.base()).account(app.accountId()).credentials(app.clientId(), app.clientSecret())
        .clock(s.clock).refreshBefore(Duration.ofSeconds(60));
  }

  static long issued(TestServer s, String kind) {
    return s.get("/metrics").body().lines().filter(l -> l.startsWith("gatehouse_tokens_issued_total{") && l.contains("kind=\"" + kind + "\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void appJwt_isRefreshedInTheBackgroundBeforeExpiry_andKeptWhileARefreshFails() throws Exception {
    TestServer.AppCredentials app = app(server, "8101");
    try (ConnectorClient c = client(server, app).build()) {
      String first = c.appJwt();
      server.clock.advance(Duration.ofSeconds(30));
      assertThat(c.appJwt()).as("outside the refresh window").isEqualTo(first);
      long before = issued(server, "app_jwt");
      server.clock.advance(Duration.ofSeconds(31)); // 61 s old: inside the last 60 s of its 120
      assertThat(c.appJwt()).as("the current one, while the refresh runs").isEqualTo(first);
      String second = awaitChange(c, first);
      assertThat(issued(server, "app_jwt")).isEqualTo(before + 1);
      assertThat(TestServer.claims(second).getLong("exp")).isGreaterThan(TestServer.claims(first).getLong("exp"));

      // the app is disabled: refreshes fail, the current token is still handed out until it expires
      assertThat(server.admin("POST", "/admin/v1/accounts/8101/apps/" + app.clientId() + "/disable", null).statusCode()).isEqualTo(200);
      server.clock.advance(Duration.ofSeconds(70));
      assertThat(c.appJwt()).isEqualTo(second);
      Thread.sleep(300);
      assertThat(c.appJwt()).as("after the failed refresh").isEqualTo(second);
      server.clock.advance(Duration.ofSeconds(51));
      assertThatThrownBy(c::appJwt).isInstanceOf(SendApiException.class).satisfies(e -> assertThat(((SendApiException) e).status()).isEqualTo(401));
    }
  }

  static String awaitChange(ConnectorClient c, String old) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      String now = c.appJwt();
      if (!now.equals(old)) {
        return now;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("the AppJWT was not refreshed");
  }

  @Test
  void fiftyThreads_makeOneSentinelCall_andOneIdpCallPerConsumer() throws Exception {
    TestServer.AppCredentials app = app(server, "8102");
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try (ConnectorClient c = client(server, app).build()) {
      long apps = issued(server, "app_jwt");
      long consumers = issued(server, "consumer_jws");
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> tokens = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        tokens.add(pool.submit(() -> {
          go.await();
          return c.appJwt() + " " + c.consumerJws("same-consumer");
        }));
      }
      go.countDown();
      java.util.Set<String> distinct = new java.util.HashSet<>();
      for (Future<String> f : tokens) {
        distinct.add(f.get());
      }
      assertThat(distinct).as("everyone got the same pair").hasSize(1);
      assertThat(issued(server, "app_jwt")).as("Sentinel calls").isEqualTo(apps + 1);
      assertThat(issued(server, "consumer_jws")).as("IDP calls").isEqualTo(consumers + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRefusedAppJwt_andARefusedConsumerJws_areRenewedOnce_andTheCallGoesThrough() throws Exception {
    TestServer.AppCredentials app = app(server, "8103");
    Map<String, String> stored = new ConcurrentHashMap<>();
    // a store holding a damaged ConsumerJWS for carol, as a connector's database might after a bug
    ConsumerTokenStore store = new ConsumerTokenStore() {
      @Override
      public Optional<String> load(String account, String ext) {
        return Optional.ofNullable(stored.get(account + "/" + ext));
      }

      @Override
      public void save(String account, String ext, String jws) {
        stored.put(account + "/" + ext, jws);
      }

      @Override
      public void remove(String account, String ext) {
        stored.remove(account + "/" + ext);
      }
    };
    String good = server.consumerJws("8103", server.appJwt(app), "carol");
    stored.put("8103/carol", good.substring(0, good.length() - 4) + "AAAA");
    try (ConnectorClient c = client(server, app).consumerTokenStore(store).build()) {
      String conv = c.openConversation("carol", null);
      assertThat(conv).isNotBlank();
      assertThat(stored.get("8103/carol")).as("the store holds the new, good token").isEqualTo(good);

      // every AppJWT issued so far is revoked (disable + enable): the next SEND gets 40102, renews once, goes through
      String old = c.appJwt();
      server.clock.advance(Duration.ofSeconds(2));
      server.admin("POST", "/admin/v1/accounts/8103/apps/" + app.clientId() + "/disable", null);
      server.admin("POST", "/admin/v1/accounts/8103/apps/" + app.clientId() + "/enable", null);
      ConnectorClient.Published p = c.sendText("carol", conv, "after the cut");
      assertThat(p.sequence()).isNotNull();
      assertThat(c.appJwt()).isNotEqualTo(old);

      // a revoked consumer: the Send API refuses (40103), the client asks the IDP once, which refuses to
      // issue for a revoked consumer; the caller gets that answer, and nothing is retried
      String lp = TestServer.claims(good).getString("lp_consumer_id");
      server.admin("POST", "/admin/v1/accounts/8103/consumers/" + lp + "/revoke", null);
      assertThatThrownBy(() -> c.sendText("carol", conv, "revoked")).isInstanceOf(SendApiException.class)
          .satisfies(e -> assertThat(((SendApiException) e).status()).isEqualTo(403)).hasMessageContaining("is revoked");
      assertThat(stored).as("the refused token is forgotten").doesNotContainKey("8103/carol");
    }
  }

  @Test
  void serverErrors_areRetriedAtTheVendorsSpacing_throttlingAfterRetryAfter_andOther4xxNever() throws Exception {
    TestServer.AppCredentials app = app(server, "8104");
    List<Duration> waits = new CopyOnWriteArrayList<>();
    try (ConnectorClient c = client(server, app).sleeper(waits::add).build()) {
      String conv = c.openConversation("dave", null);
      server.admin("PUT", "/admin/v1/accounts/8104/sandbox", new JsonObject().put("faults", new JsonObject().put("send_error_share", 1.0)
          .put("send_error_status", 500)));
      assertThatThrownBy(() -> c.sendText("dave", conv, "x")).isInstanceOf(SendApiException.class)
          .satisfies(e -> assertThat(((SendApiException) e).status()).isEqualTo(500));
      assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15));

      waits.clear();
      server.admin("PUT", "/admin/v1/accounts/8104/sandbox", new JsonObject().put("faults", new JsonObject().put("send_error_status", 429)));
      assertThatThrownBy(() -> c.sendText("dave", conv, "x")).isInstanceOf(SendApiException.class)
          .satisfies(e -> assertThat(((SendApiException) e).status()).isEqualTo(429));
      assertThat(waits).as("Retry-After: 1").containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));

      waits.clear();
      server.admin("PUT", "/admin/v1/accounts/8104/sandbox", new JsonObject().put("faults", new JsonObject().put("send_error_share", 0)));
      c.close("dave", conv);
      assertThatThrownBy(() -> c.sendText("dave", conv, "closed")).isInstanceOf(SendApiException.class)
          .satisfies(e -> assertThat(((SendApiException) e).status()).isEqualTo(400));
      assertThat(waits).as("a 400 is never retried").isEmpty();
    }
    // nothing listens: connection failures are retried, then the cause is given
    List<Duration> none = new CopyOnWriteArrayList<>();
    try (ConnectorClient c = ConnectorClient.builder().domainApi("http://127.0.0.1:9").account("8104").credentials("x", "y")
        .sleeper(none::add).build()) {
      assertThatThrownBy(c::appJwt).isInstanceOf(ConnectorException.class).hasMessageContaining("could not be reached");
      assertThat(none).hasSize(3);
    }
  }

  @Test
  void overTls_aConnectorOpensSendsReadsAndCloses_andEveryWebhookVerifies() throws Exception {
    try (TestServer tls = TestServer.start(b -> b.sandbox(true).tlsSelfSigned(true))) {
      SSLContext trust = trusting(tls.gatehouse().tlsCertificate());
      List<Notification> got = new CopyOnWriteArrayList<>();
      List<Integer> statuses = new CopyOnWriteArrayList<>();
      String[] creds = new String[2];
      WebhookHandler[] handler = new WebhookHandler[1];
      HttpServer hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      hooks.createContext("/hook", ex -> {
        byte[] body = ex.getRequestBody().readAllBytes();
        int status = handler[0].handle(ex.getRequestHeaders()::getFirst, body);
        statuses.add(status);
        ex.sendResponseHeaders(status, -1);
        ex.close();
      });
      hooks.start();
      try {
        HttpClient admin = HttpClient.newBuilder().sslContext(trust).build();
        adminCall(admin, tls, "POST", "/admin/v1/accounts", "{\"id\":\"8105\"}");
        String sub = "{\"endpoint\":\"http://127.0.0.1:" + hooks.getAddress().getPort() + "/hook\"}";
        JsonObject app = new JsonObject(adminCall(admin, tls, "POST", "/admin/v1/accounts/8105/apps", "{\"name\":\"kit\",\"webhooks\":{"
            + "\"ms.MessagingEventNotification.ContentEvent\":" + sub + ",\"ms.MessagingEventNotification.AcceptStatusEvent\":" + sub
            + ",\"ms.MessagingEventNotification.ChatStateEvent\":" + sub + ",\"cqm.ExConversationChangeNotification\":" + sub + "}}"));
        creds[0] = app.getString("client_id");
        creds[1] = app.getString("client_secret");
        handler[0] = new WebhookHandler(new WebhookVerifier("8105", creds[0], creds[1]), got::add);
        try (ConnectorClient c = ConnectorClient.builder().domainApi(tls.base()).account("8105").credentials(creds[0], creds[1])
            .sslContext(trust).clock(tls.clock).build()) {
          String text = "gr\u00fc\u00df dich \uD83C\uDF89 \u0645\u0631\u062D\u0628\u0627";
          String conv = c.openConversation("erin", "-1");
          ConnectorClient.Published sent = c.sendText("erin", conv, text);
          assertThat(sent.sequence()).isZero();
          Notification.Content echo = (Notification.Content) await(got, n -> n instanceof Notification.Content x && "ASSIGNED_AGENT".equals(x.originator().role()));
          assertThat(echo.message()).isEqualTo(text);
          assertThat(echo.conversationId()).isEqualTo(conv);
          assertThat(c.markRead("erin", conv, List.of(echo.sequence())).sequence()).isEqualTo(echo.sequence() + 1);
          assertThat(c.sendChatState("erin", conv, "ACTIVE").sequence()).isNull();
          c.close("erin", conv);
          Notification.ConversationChange end = (Notification.ConversationChange) await(got,
              n -> n instanceof Notification.ConversationChange x && x.closed());
          assertThat(end.closeReason()).isEqualTo("CONSUMER");
          assertThat(end.participants()).extracting(Notification.Participant::role).contains("CONSUMER", "ASSIGNED_AGENT");
          assertThat(statuses).as("every notification verified").allMatch(s -> s == 200);
          assertThat(got).anyMatch(n -> n instanceof Notification.AcceptStatus a && a.sequences().equals(List.of(0)));
        }
      } finally {
        hooks.stop(0);
      }
    }
  }

  static Notification await(List<Notification> got, java.util.function.Predicate<Notification> which) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      for (Notification n : got) {
        if (which.test(n)) {
          return n;
        }
      }
      Thread.sleep(25);
    }
    throw new AssertionError("no such notification in " + got);
  }

  static String adminCall(HttpClient http, TestServer s, String method, String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.base() + path)).header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    return r.body();
  }

  static SSLContext trusting(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (var in = Files.newInputStream(pem)) {
      ks.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void theExampleConnector_endToEndOverTls_printsTheAgentsReply() throws Exception {
    try (TestServer tls = TestServer.start(b -> b.sandbox(true).tlsSelfSigned(true))) {
      HttpClient admin = HttpClient.newBuilder().sslContext(trusting(tls.gatehouse().tlsCertificate())).build();
      adminCall(admin, tls, "POST", "/admin/v1/accounts", "{\"id\":\"8106\"}");
      JsonObject app = new JsonObject(adminCall(admin, tls, "POST", "/admin/v1/accounts/8106/apps", "{\"name\":\"example\"}"));
      Path dir = Files.createTempDirectory("echo-connector");
      Path secret = Files.writeString(dir.resolve("secret"), app.getString("client_secret"));
      Path token = Files.writeString(dir.resolve("admin-token"), TestServer.ADMIN_TOKEN);
      String[] args = {"--base", tls.base(), "--cacert", tls.gatehouse().tlsCertificate().toString(), "--account", "8106",
          "--client-id", app.getString("client_id"), "--client-secret-file", secret.toString(), "--consumer", "alice",
          "--message", "hi \u00e9", "--webhook-port", "0", "--admin-token-file", token.toString()};
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int code = dev.gatehouse.examples.EchoConnector.run(args, new java.io.PrintStream(out, true, "UTF-8"), new java.io.PrintStream(err, true, "UTF-8"));
      assertThat(code).as(err.toString("UTF-8")).isZero();
      assertThat(out.toString("UTF-8")).isEqualTo("hi \u00e9" + System.lineSeparator());

      // a wrong secret: non-zero, one line saying why
      Files.writeString(secret, "not-the-secret");
      err.reset();
      int bad = dev.gatehouse.examples.EchoConnector.run(args, new java.io.PrintStream(out, true, "UTF-8"), new java.io.PrintStream(err, true, "UTF-8"));
      assertThat(bad).isNotZero();
      assertThat(err.toString("UTF-8")).startsWith("error: ").contains("client_secret is not the app's current secret").hasLineCount(1);
    }
  }
}
