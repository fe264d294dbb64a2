package dev.gatehouse.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * One HTTP server on one event loop. Gatehouse deploys one per event loop on the same port;
 * Vert.x shares the listening socket among them and deals connections out round-robin, so every
 * core parses requests and signs tokens. (Servers created outside verticles all land on one loop.)
 */
final class HttpServerVerticle extends VerticleBase {
  private final HttpServerOptions options;
  private final Router router;
  private final List<HttpServer> started;
  private final HttpListener.Limits limits;
  private final java.util.concurrent.atomic.AtomicInteger open;

  /**
   * @param started receives each server once it listens (a synchronized list)
   * @param open the count of open connections, shared by every loop's server
   */
  HttpServerVerticle(HttpServerOptions options, Router router, List<HttpServer> started, HttpListener.Limits limits,
      java.util.concurrent.atomic.AtomicInteger open) {
    this.options = options;
    this.router = router;
    this.started = started;
    this.limits = limits;
    this.open = open;
  }

  @Override
  public Future<?> start() {
    ConnectionGuard guard = new ConnectionGuard(vertx, limits, open, options);
    return vertx.createHttpServer(options)
        .connectionHandler(guard::onConnection)
        .requestHandler(guard.requests(router))
        .listen().onSuccess(started::add);
  }
}
