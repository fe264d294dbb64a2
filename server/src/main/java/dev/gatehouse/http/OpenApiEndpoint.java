package dev.gatehouse.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of what this listener serves (the public
 * part on the public listener, the admin part on the admin listener, all of it when they are one).
 * The document is {@code dev/gatehouse/openapi.json}; {@code OpenApiTest} checks it against the
 * routes the server really has and the responses it really gives.
 */
final class OpenApiEndpoint {
  private final HttpApi.Side side;
  /** Made on the first request: parsing the 64 KB document took 40-60 ms of every start-up. */
  private volatile Buffer document;

  OpenApiEndpoint(HttpApi.Side side) {
    this.side = side;
  }

  private Buffer document() {
    Buffer d = document;
    if (d == null) {
      JsonObject all = load();
      JsonObject kept = new JsonObject();
      all.getJsonObject("paths").forEach(e -> {
        boolean admin = isAdmin(e.getKey());
        boolean both = e.getKey().startsWith("/health/") || e.getKey().equals("/openapi.json");
        if (side == HttpApi.Side.ALL || both || (side == HttpApi.Side.ADMIN) == admin) {
          kept.put(e.getKey(), e.getValue());
        }
      });
      d = all.put("paths", kept).toBuffer();
      document = d; // two first requests at once may both make it; the same bytes either way
    }
    return d;
  }

  static boolean isAdmin(String path) {
    return path.startsWith("/admin/") || path.equals("/metrics");
  }

  static JsonObject load() {
    try (InputStream in = OpenApiEndpoint.class.getResourceAsStream("/dev/gatehouse/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the build");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.json", e);
    }
  }

  void get(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "public, max-age=300").end(document());
  }
}
