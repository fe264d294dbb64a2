package dev.gatehouse.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request counts and latency per endpoint and status class ({@code gatehouse_http_requests_seconds}),
 * the request id, and the optional access log. Cheap on the hot path: a request costs a {@code
 * nanoTime}, a few {@code startsWith}, an id and one histogram update. Every response carries
 * {@code X-Request-Id}: the client's own when it sent a sane one (1-128 of {@code A-Z a-z 0-9 . _
 * : -}), else a new one. The access log (one event per request: client address, trusted-proxy
 * aware; method; path, never the query string, where real clients put secrets; status; bytes;
 * duration; request id; account; client_id; user agent) names no secret, token or external id.
 * In JSON logs its fields are ECS fields of the event.
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
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c < 0x21 || c > 0x7E) { // rare: only then copy, replacing every such character
        char[] out = p.toCharArray();
        for (int j = i; j < out.length; j++) {
          if (out[j] < 0x21 || out[j] > 0x7E) {
            out[j] = '?';
          }
        }
        return new String(out);
      }
    }
    return p;
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
  private final SourceAddress sources;
  /** Where endpoints leave the client_id they learnt, for the access log. */
  static final String CLIENT_ID = "gatehouse.client_id";
  static final String REQUEST_ID = "X-Request-Id";
  private static final java.util.regex.Pattern SANE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  HttpMetrics(MeterRegistry registry, boolean accessLog, SourceAddress sources) {
    this.registry = registry;
    this.accessLog = accessLog;
    this.sources = sources;
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
    String given = ctx.request().getHeader(REQUEST_ID);
    String requestId = given != null && SANE_ID.matcher(given).matches() ? given
        : Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    ctx.response().putHeader(REQUEST_ID, requestId);
    String rawPath = ctx.request().path();
    io.opentelemetry.api.trace.Span span = !dev.gatehouse.tracing.Tracing.on() ? null : dev.gatehouse.tracing.Tracing.start(
        ctx.request().method().name() + " " + Endpoint.of(rawPath == null ? "" : rawPath).name().toLowerCase(java.util.Locale.ROOT),
        io.opentelemetry.api.trace.SpanKind.SERVER);
    if (span != null) {
      span.setAttribute("http.request.method", ctx.request().method().name()).setAttribute("url.path", safePath(rawPath))
          .setAttribute("http.request.id", requestId);
    }
    ctx.addEndHandler(v -> {
      if (span != null) {
        span.setAttribute("http.response.status_code", ctx.response().getStatusCode());
        if (ctx.response().getStatusCode() >= 500) {
          span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
        }
        span.end();
      }
      long nanos = System.nanoTime() - start;
      int status = ctx.response().getStatusCode();
      int cls = Math.min(Math.max(status / 100 - 2, 0), 3);
      String path = ctx.request().path();
      timer(Endpoint.of(path == null ? "" : path), cls).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      if (accessLog && ACCESS.isInfoEnabled()) {
        access(ctx, path, status, nanos, requestId);
      }
    });
    if (span == null) {
      ctx.next();
      return;
    }
    ctx.put(SPAN, span);
    continueInSpan(ctx);
  }

  static final String SPAN = "gatehouse.span";

  /**
   * Runs the next handlers with the request's span current (when tracing is on), so what they do
   * on this thread (signing) is its child; called again when a body has arrived.
   */
  static void continueInSpan(RoutingContext ctx) {
    io.opentelemetry.api.trace.Span span = ctx.get(SPAN);
    if (span == null) {
      ctx.next();
      return;
    }
    try (io.opentelemetry.context.Scope scope = span.makeCurrent()) {
      ctx.next();
    }
  }

  private void access(RoutingContext ctx, String path, int status, long nanos, String requestId) {
    String client = sources.of(ctx.request());
    String method = ctx.request().method().name();
    String p = safePath(path);
    long bytes = ctx.response().bytesWritten();
    String account = account(path);
    Object clientId = ctx.get(CLIENT_ID);
    String ua = ctx.request().getHeader("User-Agent");
    ua = ua == null ? "" : safePath(ua);
    org.slf4j.MDC.put("client.ip", client);
    org.slf4j.MDC.put("http.request.method", method);
    org.slf4j.MDC.put("url.path", p);
    org.slf4j.MDC.put("http.response.status_code", Integer.toString(status));
    org.slf4j.MDC.put("http.response.body.bytes", Long.toString(bytes));
    org.slf4j.MDC.put("event.duration", Long.toString(nanos));
    org.slf4j.MDC.put("http.request.id", requestId);
    org.slf4j.MDC.put("user_agent.original", ua);
    if (account != null) {
      org.slf4j.MDC.put("gatehouse.account_id", account);
    }
    if (clientId != null) {
      org.slf4j.MDC.put("gatehouse.client_id", clientId.toString());
    }
    try {
      ACCESS.info("{} {} {} {} {}B {}us rid={} account={} client_id={} ua=\"{}\"", client, method, p, status, bytes, nanos / 1000, requestId,
          account == null ? "-" : account, clientId == null ? "-" : clientId, ua);
    } finally {
      org.slf4j.MDC.clear();
    }
  }

  /** The account id of an {@code /.../account/{id}/...} path, when it is a valid one. */
  private static String account(String path) {
    if (path == null) {
      return null;
    }
    int i = path.indexOf("/account/");
    int start = i < 0 ? (path.startsWith("/admin/v1/accounts/") ? 19 : -1) : i + 9;
    if (start < 0 || start >= path.length()) {
      return null;
    }
    int end = path.indexOf('/', start);
    String a = path.substring(start, end < 0 ? path.length() : end);
    return dev.gatehouse.accounts.AccountId.isValid(a) ? a : null;
  }
}
