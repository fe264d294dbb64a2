package dev.gatehouse.http;

import dev.gatehouse.admin.AdminActions;
import dev.gatehouse.limits.AuthFailureLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The admin API's brute-force lockouts on this node: {@code GET /admin/v1/lockouts} lists them,
 * {@code DELETE /admin/v1/lockouts?door=&subject=&address=} lifts the ones that match (all without
 * parameters).
 */
final class AdminLockoutEndpoints {
  private final AdminRequests requests;
  private final AuthFailureLimits limits;
  private final AdminActions actions;

  AdminLockoutEndpoints(AdminRequests requests, AuthFailureLimits limits, AdminActions actions) {
    this.requests = requests;
    this.limits = limits;
    this.actions = actions;
  }

  void list(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    for (AuthFailureLimits.Lockout l : limits.lockouts()) {
      list.add(new JsonObject().put("door", l.door().name().toLowerCase(Locale.ROOT)).put("subject", l.subject())
          .put("address", l.address()).put("until", l.until().toString()).put("lockouts", l.lockouts()));
    }
    Responses.json(ctx, 200, new JsonObject().put("lockouts", list));
  }

  void lift(RoutingContext ctx) {
    var q = Requests.query(ctx);
    String doorText = Requests.single(q, "door");
    AuthFailureLimits.Door door = null;
    if (doorText != null) {
      try {
        door = AuthFailureLimits.Door.valueOf(doorText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ApiException(ApiError.invalidRequest("door must be client_secret, admin_token or introspection"));
      }
    }
    AuthFailureLimits.Door d = door;
    String subject = Requests.single(q, "subject");
    String address = Requests.single(q, "address");
    requests.blocking(ctx, 200, () -> new JsonObject().put("lifted", actions.liftLockouts(AdminRequests.actor(ctx), d, subject, address)));
  }
}
