package dev.gatehouse.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request counts and latency per endpoint and status class ({@code gatehouse_http_requests_seconds}),
 * and the optional access log. Cheap on the hot path: the timers are made once, a request costs a
 * {@code nanoTime}, a few {@code startsWith} and one histogram update. The access log names the
 * path only, never the query string (real clients put secrets there).
 */
final class HttpMetrics {
  private static final Logger ACCESS = LoggerFactory.getLogger("gatehouse.access");

  enum Endpoint {
    SENTINEL_TOKEN, IDP_CONSUMER, DOMAIN, SEND_API, JWKS, GATEWAY, INTROSPECT, METADATA, ADMIN, CONSOLE, HEALTH, METRICS, OTHER;

    static Endpoint of(String path) {
      if (path.startsWith("/sentinel/api/")) {
        return SENTINEL_TOKEN;
      }
      if (path.startsWith("/api/account/")) {
        return path.endsWith("/consumer") ? IDP_CONSUMER : path.contains("/messaging/") ? SEND_API : DOMAIN;
      }
      if (path.startsWith("/console")) {
        return CONSOLE;
      }
      if (path.equals("/.well-known/jwks.json") || path.equals("/sentinel/well-known/jwks")) {
        return JWKS;
      }
      if (path.startsWith("/gateway/")) {
        return GATEWAY;
      }
      if (path.startsWith("/oauth/introspect")) {
        return INTROSPECT;
      }
      if (path.startsWith("/.well-known/") || path.contains("/.well-known/")) {
        return METADATA;
      }
      if (path.startsWith("/admin/")) {
        return ADMIN;
      }
      if (path.startsWith("/health/")) {
        return HEALTH;
      }
      return path.equals("/metrics") ? METRICS : OTHER;
    }
  }

  private static String safePath(String path) {
    if (path == null) {
      return "";
    }
    String p = path.length() > 200 ? path.substring(0, 200) + "..." : path;
    return p.replaceAll("[^\\x21-\\x7E]", "?");
  }

  /**
   * The endpoints' real range: a token is issued in 0.2-2 ms, a store write or a queue wait takes
   * 5-50 ms, and anything past a second is an incident. Eight buckets, not Micrometer's 70-odd.
   */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofMillis(1000)};
  private static final String[] CLASSES = {"2xx", "3xx", "4xx", "5xx"};

  /** Made on first use: an endpoint and status class never seen costs nothing in the scrape. */
  private final Timer[] timers = new Timer[Endpoint.values().length * CLASSES.length];
  private final MeterRegistry registry;
  private final boolean accessLog;

  HttpMetrics(MeterRegistry registry, boolean accessLog) {
    this.registry = registry;
    this.accessLog = accessLog;
  }

  private Timer timer(Endpoint e, int cls) {
    int i = e.ordinal() * CLASSES.length + cls;
    Timer t = timers[i];
    if (t == null) {
      // a race makes the same timer twice: the registry hands back the one it holds
      t = Timer.builder("gatehouse.http.requests")
          .description("HTTP requests by endpoint and status class")
          .tag("endpoint", e.name().toLowerCase(java.util.Locale.ROOT))
          .tag("status", CLASSES[cls])
          .serviceLevelObjectives(BUCKETS)
          .register(registry);
      timers[i] = t;
    }
    return t;
  }

  void begin(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(v -> {
      long nanos = System.nanoTime() - start;
      int status = ctx.response().getStatusCode();
      int cls = Math.min(Math.max(status / 100 - 2, 0), 3);
      String path = ctx.request().path();
      timer(Endpoint.of(path == null ? "" : path), cls).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      if (accessLog && ACCESS.isInfoEnabled()) {
        ACCESS.info("{} {} {} {}us", ctx.request().method(), safePath(path), status, nanos / 1000);
      }
    });
    ctx.next();
  }
}
