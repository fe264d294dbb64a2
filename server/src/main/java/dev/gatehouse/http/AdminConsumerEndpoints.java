package dev.gatehouse.http;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.admin.AdminActions;
import dev.gatehouse.consumers.ConsumerRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The admin API's consumers: look up, page, revoke, restore, erase ({@code /admin/v1/accounts/{id}/consumers}). */
final class AdminConsumerEndpoints {
  private final AdminRequests requests;
  private final AdminActions actions;
  private final ConsumerRegistry consumers;

  AdminConsumerEndpoints(AdminRequests requests, AdminActions actions, ConsumerRegistry consumers) {
    this.requests = requests;
    this.actions = actions;
    this.consumers = consumers;
  }

  /**
   * An account's consumers, paged by lp id ({@code ?limit=&after=}), or the one consumer with
   * {@code ?ext_consumer_id=} (its lp id is derived, so it is found even before its record is written).
   */
  void listConsumers(RoutingContext ctx) {
    Account account = requests.account(ctx);
    var q = Requests.query(ctx);
    String ext = Requests.single(q, "ext_consumer_id");
    if (ext != null) {
      String lp = account.consumerIdKey().derive(ext).value();
      requests.blocking(ctx, 200, () -> consumerJson(account, lp, consumers.find(account.id().value(), lp).orElse(null)));
      return;
    }
    int limit = AdminRequests.intParam(Requests.single(q, "limit"), "limit", 100, 1, 1000);
    String after = Requests.single(q, "after");
    if (after != null && !dev.gatehouse.consumers.LpConsumerId.isValid(after)) {
      throw new ApiException(ApiError.invalidRequest("after must be an lp_consumer_id (64 lowercase hex characters): the next_after of the previous page"));
    }
    requests.blocking(ctx, 200, () -> {
      JsonArray list = new JsonArray();
      var page = consumers.list(account.id().value(), after, limit);
      page.forEach(r -> list.add(consumerJson(account, r.lpConsumerId(), r)));
      JsonObject out = new JsonObject().put("consumers", list);
      if (page.size() == limit) {
        out.put("next_after", page.get(page.size() - 1).lpConsumerId());
      }
      return out;
    });
  }

  void getConsumer(RoutingContext ctx) {
    Account account = requests.account(ctx);
    String lp = lpParam(ctx);
    requests.blocking(ctx, 200, () -> consumerJson(account, lp, consumers.find(account.id().value(), lp)
        .orElseThrow(() -> new ApiException(ApiError.notFound("no consumer " + lp + " on account " + account.id())))));
  }

  void revokeConsumer(RoutingContext ctx) {
    Account account = requests.account(ctx);
    String lp = lpParam(ctx);
    requests.blocking(ctx, 200, () -> {
      actions.revokeConsumer(AdminRequests.actor(ctx), account.id(), lp);
      return consumerJson(account, lp, consumers.find(account.id().value(), lp).orElse(null));
    });
  }

  void restoreConsumer(RoutingContext ctx) {
    Account account = requests.account(ctx);
    String lp = lpParam(ctx);
    requests.blocking(ctx, 200, () -> {
      actions.restoreConsumer(AdminRequests.actor(ctx), account.id(), lp);
      return consumerJson(account, lp, consumers.find(account.id().value(), lp).orElse(null));
    });
  }

  void eraseConsumer(RoutingContext ctx) {
    Account account = requests.account(ctx);
    String lp = lpParam(ctx);
    requests.blocking(ctx, 200, () -> {
      boolean existed = actions.eraseConsumer(AdminRequests.actor(ctx), account.id(), lp);
      return new JsonObject().put("account_id", account.id().value()).put("lp_consumer_id", lp).put("erased", true).put("record_existed", existed);
    });
  }

  private static String lpParam(RoutingContext ctx) {
    String lp = ctx.pathParam("lp");
    if (!dev.gatehouse.consumers.LpConsumerId.isValid(lp)) {
      throw new ApiException(ApiError.notFound("lp_consumer_id in the path must be 64 lowercase hex characters"));
    }
    return lp;
  }

  private JsonObject consumerJson(Account account, String lp, dev.gatehouse.consumers.ConsumerRecord r) {
    JsonObject j = new JsonObject().put("account_id", account.id().value()).put("lp_consumer_id", lp)
        .put("revoked", consumers.isRevoked(account.id().value(), lp));
    if (r != null) {
      j.put("ext_consumer_id", r.extConsumerId()).put("first_seen", r.firstSeen().toString()).put("last_seen", r.lastSeen().toString());
    } else {
      j.put("recorded", false);
    }
    return j;
  }

}
