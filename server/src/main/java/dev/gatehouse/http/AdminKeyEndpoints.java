package dev.gatehouse.http;

import dev.gatehouse.admin.AdminActions;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.keys.KeyRotation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The admin API's signing keys ({@code /admin/v1/keys}) and audit log ({@code /admin/v1/audit}). */
final class AdminKeyEndpoints {
  private final AdminRequests requests;
  private final AdminActions actions;
  private final KeyRotation rotation;
  private final AuditLog audit;

  AdminKeyEndpoints(AdminRequests requests, AdminActions actions, KeyRotation rotation, AuditLog audit) {
    this.requests = requests;
    this.actions = actions;
    this.rotation = rotation;
    this.audit = audit;
  }

  void listAudit(RoutingContext ctx) {
    var q = Requests.query(ctx);
    int limit = AdminRequests.intParam(Requests.single(q, "limit"), "limit", 50, 1, 1000);
    String before = Requests.single(q, "before");
    Long beforeId = before == null ? null : (long) AdminRequests.intParam(before, "before", 0, 1, Integer.MAX_VALUE);
    String action = Requests.single(q, "action");
    String actor = Requests.single(q, "actor");
    requests.blocking(ctx, 200, () -> {
      JsonArray list = new JsonArray();
      var entries = audit.list(beforeId, limit, action, actor);
      entries.forEach(e -> list.add(new JsonObject().put("id", e.id()).put("at", e.at().toString()).put("actor", e.actor())
          .put("action", e.action()).put("target", e.target()).put("detail", e.detail())));
      JsonObject out = new JsonObject().put("entries", list);
      if (entries.size() == limit) {
        out.put("next_before", entries.get(entries.size() - 1).id());
      }
      return out;
    });
  }

  void listKeys(RoutingContext ctx) {
    requests.blocking(ctx, 200, () -> {
      JsonArray list = new JsonArray();
      rotation.list().forEach(k -> list.add(keyJson(k)));
      return new JsonObject().put("keys", list);
    });
  }

  void rotateKey(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx).length() == 0 ? new JsonObject() : Requests.jsonObject(ctx);
    String purpose = Requests.optionalString(body, "purpose");
    dev.gatehouse.keys.KeyPurpose p;
    if (purpose == null || purpose.equals("app_token")) {
      p = dev.gatehouse.keys.KeyPurpose.APP_TOKEN;
    } else if (purpose.equals("consumer_token")) {
      p = dev.gatehouse.keys.KeyPurpose.CONSUMER_TOKEN;
    } else {
      throw new ApiException(ApiError.invalidRequest("purpose must be app_token or consumer_token"));
    }
    requests.blocking(ctx, 201, () -> keyJson(actions.rotateKey(AdminRequests.actor(ctx), p)));
  }

  void retireKey(RoutingContext ctx) {
    String kid = ctx.pathParam("kid");
    JsonObject body = Requests.body(ctx).length() == 0 ? new JsonObject() : Requests.jsonObject(ctx);
    Object f = body.getValue("force");
    if (f != null && !(f instanceof Boolean)) {
      throw new ApiException(ApiError.invalidRequest("force must be true or false"));
    }
    boolean force = Boolean.TRUE.equals(f);
    requests.blocking(ctx, 200, () -> keyJson(actions.retireKey(AdminRequests.actor(ctx), kid, force)));
  }

  private static JsonObject keyJson(dev.gatehouse.keys.SigningKeyInfo k) {
    return new JsonObject().put("kid", k.kid()).put("purpose", k.purpose().name().toLowerCase(java.util.Locale.ROOT))
        .put("state", k.state().name().toLowerCase(java.util.Locale.ROOT)).put("alg", k.algorithm())
        .put("created_at", k.createdAt().toString())
        .put("published_at", k.publishedAt() == null ? null : k.publishedAt().toString())
        .put("activate_at", k.activateAt() == null ? null : k.activateAt().toString())
        .put("retire_at", k.retireAt() == null ? null : k.retireAt().toString())
        .put("location", k.location());
  }

}
