package dev.gatehouse.http;

import dev.gatehouse.admin.AdminActions;
import dev.gatehouse.operators.OperatorToken;
import dev.gatehouse.operators.OperatorTokens;
import dev.gatehouse.operators.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The admin API's operator tokens ({@code /admin/v1/tokens}): create a named token with a role (its
 * value is shown once), list them (never a value), revoke one.
 */
final class AdminTokenEndpoints {
  private final AdminRequests requests;
  private final AdminActions actions;
  private final OperatorTokens operators;

  AdminTokenEndpoints(AdminRequests requests, AdminActions actions, OperatorTokens operators) {
    this.requests = requests;
    this.actions = actions;
    this.operators = operators;
  }

  void create(RoutingContext ctx) {
    JsonObject body = Requests.jsonObject(ctx);
    String name = Requests.requiredString(body, "name");
    Role role;
    try {
      role = Role.parse(Requests.requiredString(body, "role"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(ApiError.invalidRequest(e.getMessage()));
    }
    String actor = AdminRequests.actor(ctx);
    requests.blocking(ctx, 201, () -> {
      OperatorTokens.Created c = actions.createOperatorToken(actor, name, role);
      return json(c.token()).put("token", c.value());
    });
  }

  void list(RoutingContext ctx) {
    requests.blocking(ctx, 200, () -> {
      JsonArray list = new JsonArray();
      operators.list().forEach(t -> list.add(json(t)));
      return new JsonObject().put("tokens", list);
    });
  }

  void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String actor = AdminRequests.actor(ctx);
    requests.blocking(ctx, 200, () -> {
      if (!actions.revokeOperatorToken(actor, id)) {
        throw new ApiException(ApiError.notFound("no active token " + SentinelEndpoint.printable(id)));
      }
      return new JsonObject().put("id", id).put("revoked", true);
    });
  }

  private static JsonObject json(OperatorToken t) {
    return new JsonObject().put("id", t.id()).put("name", t.name()).put("role", t.role().name().toLowerCase(Locale.ROOT))
        .put("created_at", t.createdAt().toString()).put("revoked_at", t.revokedAt() == null ? null : t.revokedAt().toString());
  }
}
