package dev.gatehouse.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * Health for load balancers and orchestrators.
 *
 * <ul>
 *   <li>{@code /health/live}: the process answers.
 *   <li>{@code /health/ready}: the token side is ready (keys loaded, HTTP up). It stays ready while
 *       the store is unreachable, because tokens are issued from memory; the body says {@code
 *       "store_status":"down"} and {@code "admin":"unavailable"} then.
 *   <li>{@code /health/ready/admin}: 503 while the store is unreachable (admin changes would fail).
 * </ul>
 */
final class HealthEndpoints {
  private final BooleanSupplier ready;
  private final String signingProvider;
  private final String store;
  private final BooleanSupplier storeUp;

  HealthEndpoints(BooleanSupplier ready, String signingProvider, String store, BooleanSupplier storeUp) {
    this.ready = ready;
    this.signingProvider = signingProvider;
    this.store = store;
    this.storeUp = storeUp;
  }

  void live(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.json(ctx, 200, new JsonObject().put("status", "live"));
  }

  void ready(RoutingContext ctx) {
    boolean ok = ready.getAsBoolean();
    ctx.response().putHeader("Cache-Control", "no-store");
    boolean up = storeUp.getAsBoolean();
    Responses.json(ctx, ok ? 200 : 503, new JsonObject()
        .put("status", ok ? "ready" : "not_ready")
        .put("store", store)
        .put("store_status", up ? "up" : "down")
        .put("admin", ok && up ? "available" : "unavailable")
        .put("signing_provider", signingProvider));
  }

  void readyAdmin(RoutingContext ctx) {
    boolean ok = ready.getAsBoolean() && storeUp.getAsBoolean();
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.json(ctx, ok ? 200 : 503, new JsonObject()
        .put("status", ok ? "ready" : "not_ready")
        .put("store_status", storeUp.getAsBoolean() ? "up" : "down"));
  }
}
