package dev.gatehouse.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listening side: one HTTP server per event loop on one port (see {@link HttpServerVerticle}),
 * each guarding its connections ({@link ConnectionGuard}). Vert.x shares a port only between
 * servers that ask for the same number, so port 0 is resolved to a free port first, and tried
 * again should another process take it in between. The routes are made for the port actually
 * bound, since what they answer may name it (the Domain API's public host).
 *
 * <p>Thread-safe once started.
 */
public final class HttpListener {
  /** Per-connection limits, shared by every loop's server. */
  public record Limits(int maxConnections, long headerTimeoutMillis, long bodyTimeoutMillis, long idleTimeoutMillis) {}

  private final List<HttpServer> servers;

  private HttpListener(List<HttpServer> servers) {
    this.servers = List.copyOf(servers);
  }

  /**
   * Binds {@code loops} servers to {@code options}' host and port (0: any free port).
   *
   * @param routerFor the routes, for the port about to be bound
   * @throws IllegalStateException when the port cannot be bound
   */
  public static HttpListener start(Vertx vertx, HttpServerOptions options, java.util.function.IntFunction<Router> routerFor, int loops,
      Limits limits) throws InterruptedException, TimeoutException {
    List<HttpServer> servers = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger open = new AtomicInteger();
    int configured = options.getPort();
    for (int attempt = 1; ; attempt++) {
      HttpServerOptions o = new HttpServerOptions(options).setPort(configured == 0 ? freePort(options.getHost()) : configured);
      Router router = routerFor.apply(o.getPort());
      try {
        vertx.deployVerticle(() -> new HttpServerVerticle(o, router, servers, limits, open), new DeploymentOptions().setInstances(loops))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        break;
      } catch (ExecutionException e) {
        if (configured != 0 || attempt == 3) {
          throw new IllegalStateException("cannot listen on " + options.getHost() + ":" + o.getPort() + ": " + e.getCause().getMessage(), e.getCause());
        }
        servers.forEach(HttpServer::close);
        servers.clear();
      }
    }
    if (servers.stream().map(HttpServer::actualPort).distinct().count() != 1) {
      throw new IllegalStateException("HTTP servers bound different ports: " + servers.stream().map(HttpServer::actualPort).toList());
    }
    return new HttpListener(servers);
  }

  /** A port free on {@code host} right now (another process may take it before it is bound). */
  private static int freePort(String host) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return servers.get(0).actualPort();
  }

  /** New TLS settings for new connections on every server (open connections keep theirs). */
  public void updateSsl(io.vertx.core.net.ServerSSLOptions ssl) throws Exception {
    for (HttpServer s : servers) {
      s.updateSSLOptions(ssl).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Stops accepting, lets requests in flight finish (up to {@code seconds}). */
  public void shutdown(int seconds) throws Exception {
    io.vertx.core.Future.all(servers.stream().map(s -> s.shutdown(seconds, TimeUnit.SECONDS)).toList())
        .toCompletionStage().toCompletableFuture().get(seconds + 5L, TimeUnit.SECONDS);
  }
}
