package dev.gatehouse.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON bodies and errors; the one place an {@link ApiError} becomes HTTP. */
final class Responses {
  static final String JSON = "application/json;charset=utf-8";

  private Responses() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    json(ctx, status, body.toBuffer());
  }

  static void json(RoutingContext ctx, int status, Buffer body) {
    HttpServerResponse r = ctx.response();
    if (r.ended()) {
      return;
    }
    r.setStatusCode(status).putHeader("Content-Type", JSON).end(body);
  }

  static void error(RoutingContext ctx, ApiError e) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.headWritten()) {
      return;
    }
    e.headers().forEach(r::putHeader);
    r.putHeader("Cache-Control", "no-store");
    json(ctx, e.status(), new JsonObject().put("error", e.error()).put("error_description", e.description()));
  }
}
