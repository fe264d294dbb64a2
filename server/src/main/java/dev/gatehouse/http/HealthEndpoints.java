package dev.gatehouse.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/** {@code /health/live}: the process answers. {@code /health/ready}: store open and keys loaded. */
final class HealthEndpoints {
  private final BooleanSupplier ready;
  private final String signingProvider;
  private final String store;

  HealthEndpoints(BooleanSupplier ready, String signingProvider, String store) {
    this.ready = ready;
    this.signingProvider = signingProvider;
    this.store = store;
  }

  void live(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.json(ctx, 200, new JsonObject().put("status", "live"));
  }

  void ready(RoutingContext ctx) {
    boolean ok = ready.getAsBoolean();
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.json(ctx, ok ? 200 : 503, new JsonObject()
        .put("status", ok ? "ready" : "not_ready")
        .put("store", store)
        .put("signing_provider", signingProvider));
  }
}
