package dev.gatehouse.connector;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;

/**
 * A {@link WebhookHandler} on the JDK's own HTTP server ({@code com.sun.net.httpserver}): POST only,
 * bodies up to 1 MiB. The example of plugging the handler into a server; the same three lines fit
 * any other.
 */
public final class JdkWebhookServer {
  static final int MAX_BODY = 1 << 20;

  private JdkWebhookServer() {}

  /** Starts a server at {@code address} answering notifications on {@code path}. Stop it with {@code stop(0)}. */
  public static HttpServer start(InetSocketAddress address, String path, WebhookHandler handler) throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    server.createContext(path, exchange -> {
      try (exchange) {
        if (!"POST".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readNBytes(MAX_BODY + 1);
        }
        int status = body.length > MAX_BODY ? 413 : handler.handle(exchange.getRequestHeaders()::getFirst, body);
        exchange.sendResponseHeaders(status, -1);
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "gatehouse-webhooks-in");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return server;
  }
}
