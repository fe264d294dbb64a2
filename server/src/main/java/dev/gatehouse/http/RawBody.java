package dev.gatehouse.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body as raw bytes, up to a limit, without any decoding. Vert.x' BodyHandler
 * decodes form bodies itself and fails on a malformed {@code %} escape, which real clients send
 * (unencoded secrets); decoding is ours to do leniently, so the bytes are all we take here.
 * Larger bodies get 413 as soon as the declared or received length passes the limit.
 */
final class RawBody implements Handler<RoutingContext> {
  static final String KEY = "gatehouse.body";
  private final int limit;

  RawBody(int limit) {
    this.limit = limit;
  }

  static Buffer of(RoutingContext ctx) {
    Buffer b = ctx.get(KEY);
    return b == null ? Buffer.buffer() : b;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String declared = req.getHeader("Content-Length");
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -2;
      }
      if (length < 0) {
        Responses.error(ctx, ApiError.invalidRequest("Content-Length is not a length"));
        return;
      }
      if (length > limit) {
        tooLarge(ctx);
        return;
      }
    }
    if (req.isEnded()) {
      ctx.put(KEY, Buffer.buffer());
      ctx.next();
      return;
    }
    // sized by what arrives, never by what is declared: a client that declares 16 KiB and sends one
    // byte must not make the server hold 16 KiB for it
    Buffer body = Buffer.buffer(256);
    boolean[] failed = {false};
    req.handler(chunk -> {
      if (failed[0]) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        failed[0] = true;
        tooLarge(ctx);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(t -> failed[0] = true);
    req.endHandler(v -> {
      if (!failed[0]) {
        ctx.put(KEY, body);
        HttpMetrics.continueInSpan(ctx);
      }
    });
    req.resume();
  }

  private void tooLarge(RoutingContext ctx) {
    if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      ctx.response().putHeader("Connection", "close"); // the rest of the body is not read
    }
    Responses.error(ctx, ApiError.of(413, "request_too_large", "request body is larger than " + limit + " bytes"));
  }
}
