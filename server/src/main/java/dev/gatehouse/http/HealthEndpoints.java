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
 *       "store_status":"down"} and {@code "admin":"unavailable"} then. Once the node has gone
 *       longer than {@code --max-staleness} without reading the store it is not ready (503, {@code
 *       "view":"stale"}): it refuses tokens then, so a load balancer should take it out.
 *   <li>Not ready either while the signing keys' PKCS#11 token cannot sign ({@code
 *       "signing_status":"down"}): token requests get 503 then; it is ready again once the token
 *       signs (checked every 2 s).
 *   <li>{@code /health/ready/admin}: 503 while the store is unreachable (admin changes would fail).
 * </ul>
 *
 * Unauthenticated, so they name no store location, database URL or user.
 */
final class HealthEndpoints {
  private final BooleanSupplier ready;
  private final String signingProvider;
  private final String store;
  private final BooleanSupplier storeUp;
  private final BooleanSupplier fresh;
  private final BooleanSupplier signing;
  private final String keyStore;

  /** @param store the kind of store only ("h2" or "postgresql"): this is unauthenticated */
  HealthEndpoints(BooleanSupplier ready, String signingProvider, String store, BooleanSupplier storeUp, BooleanSupplier fresh,
      BooleanSupplier signing, String keyStore) {
    this.signing = signing;
    this.keyStore = keyStore;
    this.ready = ready;
    this.signingProvider = signingProvider;
    this.store = store;
    this.storeUp = storeUp;
    this.fresh = fresh;
  }

  void live(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.json(ctx, 200, new JsonObject().put("status", "live"));
  }

  void ready(RoutingContext ctx) {
    boolean current = fresh.getAsBoolean();
    boolean signs = signing.getAsBoolean();
    boolean ok = ready.getAsBoolean() && current && signs;
    ctx.response().putHeader("Cache-Control", "no-store");
    boolean up = storeUp.getAsBoolean();
    Responses.json(ctx, ok ? 200 : 503, new JsonObject()
        .put("status", ok ? "ready" : "not_ready")
        .put("store", store)
        .put("store_status", up ? "up" : "down")
        .put("view", current ? "current" : "stale")
        .put("admin", ok && up ? "available" : "unavailable")
        .put("signing_provider", signingProvider)
        .put("key_store", keyStore)
        .put("signing_status", signs ? "up" : "down"));
  }

  void readyAdmin(RoutingContext ctx) {
    boolean ok = ready.getAsBoolean() && storeUp.getAsBoolean();
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.json(ctx, ok ? 200 : 503, new JsonObject()
        .put("status", ok ? "ready" : "not_ready")
        .put("store_status", storeUp.getAsBoolean() ? "up" : "down"));
  }
}
