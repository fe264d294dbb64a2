package dev.gatehouse.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys from a real JWKS endpoint on loopback: caching, unknown kids, a host that goes away. */
class RemoteJwksTest {
  HttpServer server;
  final AtomicReference<JWKSet> published = new AtomicReference<>();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger notModified = new AtomicInteger();
  final ConnectorRequestVerifierTest.FakeClock clock = new ConnectorRequestVerifierTest.FakeClock();
  TestIssuer.Key first = TestIssuer.key("appjwt-28-11-26");

  @BeforeEach
  void start() throws Exception {
    published.set(TestIssuer.jwks(first));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/.well-known/jwks.json", ex -> {
      requests.incrementAndGet();
      String body = published.get().toString(true);
      String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
      ex.getResponseHeaders().add("Cache-Control", "public, max-age=300");
      ex.getResponseHeaders().add("ETag", etag);
      if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
        notModified.incrementAndGet();
        ex.sendResponseHeaders(304, -1);
        ex.close();
        return;
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  RemoteJwks jwks() {
    return RemoteJwks.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json"))
        .clock(clock).backgroundRefresh(false).minRefreshInterval(Duration.ofSeconds(10)).refreshExecutor(Runnable::run).build();
  }

  String app(TestIssuer.Key k) {
    return TestIssuer.sign(k, TestIssuer.appClaims("5313846", ConnectorRequestVerifierTest.T));
  }

  String consumer(TestIssuer.Key k) {
    return TestIssuer.sign(k, TestIssuer.consumerClaims("5313846", "c"));
  }

  @Test
  void fetchedOnce_thenServedFromMemory() {
    try (RemoteJwks keys = jwks()) {
      ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(keys).clock(clock).cacheSize(0).build();
      for (int i = 0; i < 20; i++) {
        assertThat(v.verify("5313846", app(first), consumer(first))).isInstanceOf(Identity.class);
      }
      assertThat(requests.get()).isEqualTo(1);
      assertThat(keys.refresh()).isEqualTo(Duration.ofSeconds(240)); // 80% of max-age=300
      assertThat(notModified.get()).isEqualTo(1);
      assertThat(v.verify("5313846", app(first), consumer(first))).isInstanceOf(Identity.class);
    }
  }

  @Test
  void unknownKid_thatAppearsAfterAKeyIsAdded_isFetchedAtOnce_atMostOncePerInterval() {
    try (RemoteJwks keys = jwks()) {
      ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(keys).clock(clock).build();
      TestIssuer.Key next = TestIssuer.key("appjwt-29-11-26");
      clock.now = clock.now.plusSeconds(60);
      // not published yet: one refresh, still unknown
      assertThat(((Rejection) v.verify("5313846", app(next), consumer(first))).errorCode()).isEqualTo(40102);
      assertThat(requests.get()).isEqualTo(2);
      // published now, but within the rate limit: no fetch, still refused
      published.set(TestIssuer.jwks(first, next));
      assertThat(((Rejection) v.verify("5313846", app(next), consumer(first))).errorCode()).isEqualTo(40102);
      assertThat(requests.get()).isEqualTo(2);
      // after the interval: fetched at once, accepted, for ConsumerJWS too
      clock.now = clock.now.plusSeconds(11);
      assertThat(v.verify("5313846", app(next), consumer(next))).isInstanceOf(Identity.class);
      assertThat(requests.get()).isEqualTo(3);
    }
  }

  @Test
  void whenTheJwksHostIsDown_theLastGoodKeysStayInUse() {
    try (RemoteJwks keys = jwks()) {
      ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(keys).clock(clock).cacheSize(0).build();
      server.stop(0);
      assertThat(keys.refresh()).isEqualTo(Duration.ofSeconds(1)); // retry soon
      assertThat(keys.refresh()).isEqualTo(Duration.ofSeconds(2)); // then back off
      assertThat(v.verify("5313846", app(first), consumer(first))).isInstanceOf(Identity.class);
      assertThat(keys.isPublished("appjwt-28-11-26")).isTrue();
    }
  }

  @Test
  void plainHttp_isRefused_exceptOnLoopbackOrWhenAllowed() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RemoteJwks.builder(URI.create("http://jwks.example/.well-known/jwks.json")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RemoteJwks.builder(URI.create("ftp://jwks.example/x")))
        .isInstanceOf(IllegalArgumentException.class);
    // a name that only starts like a loopback address is somebody else's host
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RemoteJwks.builder(URI.create("http://127.attacker.example/jwks.json")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    // loopback (as in these tests) is fine without asking
    try (RemoteJwks keys = jwks()) {
      assertThat(keys.isPublished("appjwt-28-11-26")).isTrue();
    }
  }

  @Test
  void aJwksLargerThanTheCap_isAFailedFetch_andTheKnownKeysStay() {
    try (RemoteJwks keys = RemoteJwks.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json"))
        .clock(clock).backgroundRefresh(false).refreshExecutor(Runnable::run).maxBytes(1024).build()) {
      assertThat(keys.isPublished("appjwt-28-11-26")).isTrue();
      java.util.List<TestIssuer.Key> many = new java.util.ArrayList<>(java.util.List.of(first));
      for (int i = 0; i < 3; i++) {
        many.add(TestIssuer.key("extra-" + i));
      }
      published.set(TestIssuer.jwks(many.toArray(new TestIssuer.Key[0])));
      assertThat(keys.refresh()).isEqualTo(Duration.ofSeconds(1)); // a failure: retry soon
      assertThat(keys.isPublished("extra-0")).isFalse();
      assertThat(keys.isPublished("appjwt-28-11-26")).isTrue();
    }
  }

  @Test
  void keysThatCouldNotBeRefreshedForMaxKeyAge_stopVerifying_untilAFetchSucceeds() throws Exception {
    try (RemoteJwks keys = RemoteJwks.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json"))
        .clock(clock).backgroundRefresh(false).refreshExecutor(Runnable::run).maxKeyAge(Duration.ofHours(24)).build()) {
      ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(keys).clock(clock).cacheSize(0).build();
      int port = server.getAddress().getPort();
      server.stop(0);
      keys.refresh();
      clock.now = clock.now.plus(Duration.ofHours(23));
      assertThat(v.verify("5313846", appNow(), consumer(first))).as("within the max age").isInstanceOf(Identity.class);
      clock.now = clock.now.plus(Duration.ofHours(2));
      keys.refresh();
      assertThat(keys.isPublished("appjwt-28-11-26")).isFalse();
      assertThat(((Rejection) v.verify("5313846", appNow(), consumer(first))).errorCode()).isEqualTo(40102);
      // the host comes back: trusted again after the next successful fetch
      start2(port);
      keys.refresh();
      assertThat(keys.isPublished("appjwt-28-11-26")).isTrue();
    }
  }

  private String appNow() {
    return TestIssuer.sign(first, TestIssuer.appClaims("5313846", clock.now.getEpochSecond()));
  }

  private void start2(int port) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/.well-known/jwks.json", ex -> {
      byte[] b = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    server.start();
  }

  @Test
  void anUnknownKid_neverMakesTheCallerWaitOnTheNetwork() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
    server.removeContext("/.well-known/jwks.json");
    server.createContext("/slow", ex -> {
      if (slow.get()) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] b = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    try (RemoteJwks keys = RemoteJwks.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/slow"))
        .clock(clock).backgroundRefresh(false).fetchTimeout(Duration.ofSeconds(30)).build()) {
      ConnectorRequestVerifier v = ConnectorRequestVerifier.builder().keys(keys).clock(clock).build();
      TestIssuer.Key next = TestIssuer.key("appjwt-29-11-26");
      published.set(TestIssuer.jwks(first, next));
      slow.set(true);
      clock.now = clock.now.plusSeconds(60);
      // the JWKS host hangs until released: the caller gets its answer now, not after the fetch
      assertThat(((Rejection) v.verify("5313846", app(next), consumer(first))).errorCode()).isEqualTo(40102);
      assertThat(v.verify("5313846", app(first), consumer(first))).isInstanceOf(Identity.class);
      release.countDown();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!keys.isPublished("appjwt-29-11-26") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(v.verify("5313846", app(next), consumer(first))).isInstanceOf(Identity.class);
    }
  }

  @Test
  void backgroundRefresh_picksUpANewKeyWithoutAnyRequest() throws Exception {
    published.set(TestIssuer.jwks(first));
    // the server says max-age=300; a short default does not apply when max-age is given, so use a server without it
    server.removeContext("/.well-known/jwks.json");
    server.createContext("/short", ex -> {
      requests.incrementAndGet();
      byte[] b = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Cache-Control", "max-age=1");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    try (RemoteJwks keys = RemoteJwks.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/short")).build()) {
      TestIssuer.Key next = TestIssuer.key("appjwt-30-11-26");
      published.set(TestIssuer.jwks(first, next));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!keys.isPublished("appjwt-30-11-26") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(keys.isPublished("appjwt-30-11-26")).isTrue();
      assertThat(requests.get()).isGreaterThanOrEqualTo(2);
    }
  }
}
