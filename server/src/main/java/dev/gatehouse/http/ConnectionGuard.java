package dev.gatehouse.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one connection can cost before any of its bytes are trusted. One per HTTP server
 * (so per event loop: every method runs on that loop, and the per-connection state needs no
 * locking); the connection count is shared by all.
 *
 * <ul>
 *   <li><b>How many</b>: past {@code maxConnections} open connections, a new one is closed at once.
 *   <li><b>How slow</b>: a connection must deliver a request's headers within {@code
 *       headerTimeout} of being accepted, the body within {@code bodyTimeout} of the headers, and
 *       the next request's headers within {@code idleTimeout} of the previous response. Byte-a-second
 *       clients (slowloris) are closed at the deadline, whatever they still send; the idle timeout of
 *       the socket itself resets on every byte and does not bound them.
 *   <li><b>What framing</b>: each connection decodes with a {@link StrictRequestDecoder}, which
 *       refuses ambiguous message lengths (400, connection closed).
 * </ul>
 *
 * Deadlines are checked by one sweep a second over this loop's connections rather than a timer per
 * request, so the hot path only writes two fields. Body memory is bounded by the body limit of
 * {@link RawBody}, which does not trust a declared length: it grows its buffer as bytes arrive.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private enum Phase { HEADERS, REQUEST, IDLE }

  private static final class State {
    Phase phase = Phase.HEADERS;
    long since;
    HttpServerRequest request;
  }

  private final HttpListener.Limits limits;
  private final AtomicInteger open;
  private final HttpServerOptions options;
  private final Map<HttpConnection, State> connections = new IdentityHashMap<>();
  private long closedSlow;

  ConnectionGuard(Vertx vertx, HttpListener.Limits limits, AtomicInteger open, HttpServerOptions options) {
    this.limits = limits;
    this.open = open;
    this.options = options;
    vertx.setPeriodic(1000, id -> sweep());
  }

  /** For {@code HttpServer.connectionHandler}. */
  void onConnection(HttpConnection c) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      c.close();
      return;
    }
    if (c instanceof ConnectionBase base && base.channel().pipeline().get("httpDecoder") != null) {
      base.channel().pipeline().replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options));
    }
    State s = new State();
    s.since = System.nanoTime();
    connections.put(c, s);
    c.closeHandler(v -> {
      if (connections.remove(c) != null) {
        open.decrementAndGet();
      }
    });
  }

  /** Wraps the router: from here on the request is timed by the sweep. */
  Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return req -> {
      State s = connections.get(req.connection());
      if (s != null) {
        s.phase = Phase.REQUEST;
        s.since = System.nanoTime();
        s.request = req;
      }
      next.handle(req);
    };
  }

  private void sweep() {
    long now = System.nanoTime();
    Iterator<Map.Entry<HttpConnection, State>> it = connections.entrySet().iterator();
    java.util.List<HttpConnection> late = null;
    while (it.hasNext()) {
      Map.Entry<HttpConnection, State> e = it.next();
      State s = e.getValue();
      if (s.phase == Phase.REQUEST) {
        HttpServerRequest r = s.request;
        if (r.response().ended()) {
          // the response went out: the next request's headers must come within the idle timeout
          s.phase = Phase.IDLE;
          s.since = now;
          s.request = null;
          continue;
        }
        if (r.isEnded()) {
          continue; // the whole request is in; the time is ours now
        }
      }
      long limit = switch (s.phase) {
        case HEADERS -> limits.headerTimeoutMillis();
        case REQUEST -> limits.bodyTimeoutMillis();
        case IDLE -> limits.idleTimeoutMillis();
      };
      if (limit > 0 && now - s.since > limit * 1_000_000L) {
        if (late == null) {
          late = new java.util.ArrayList<>();
        }
        late.add(e.getKey());
      }
    }
    if (late != null) {
      closedSlow += late.size();
      LOG.debug("closing {} connections past their deadline ({} so far)", late.size(), closedSlow);
      late.forEach(HttpConnection::close);
    }
  }
}
