package dev.gatehouse.http;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.apps.ClientId;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/** What every admin endpoint shares: the path's account and client id, paging numbers, and running store work off the event loop. */
final class AdminRequests {
  private final Vertx vertx;
  private final AccountDirectory accounts;

  AdminRequests(Vertx vertx, AccountDirectory accounts) {
    this.vertx = vertx;
    this.accounts = accounts;
  }

  /** Where {@code AdminEndpoints.authenticate} leaves the caller's audit name for the endpoints. */
  static final String ACTOR = "gatehouse.actor";

  /** How the audit log names the operator of this request. */
  static String actor(RoutingContext ctx) {
    String a = ctx.get(ACTOR);
    if (a == null) {
      throw new IllegalStateException("admin call without an authenticated operator");
    }
    return a;
  }

  /** Runs store work on a worker thread and answers with its JSON, or the error it raised. */
  void blocking(RoutingContext ctx, int status, Callable<JsonObject> work) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        Responses.json(ctx, status, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  Account account(RoutingContext ctx) {
    String raw = ctx.pathParam("accountId");
    return accounts.find(raw).orElseThrow(
        () -> new ApiException(ApiError.notFound("unknown account '" + SentinelEndpoint.printable(raw) + "'")));
  }

  static ClientId clientId(RoutingContext ctx) {
    ClientId id = ClientId.parseOrNull(ctx.pathParam("clientId"));
    if (id == null) {
      throw new ApiException(ApiError.notFound("client_id in the path is not a UUID"));
    }
    return id;
  }

  static int intParam(String text, String name, int dflt, int min, int max) {
    if (text == null) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error
    }
    throw new ApiException(ApiError.invalidRequest(name + " must be a whole number from " + min + " to " + max));
  }
}
