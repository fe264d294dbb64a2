package dev.gatehouse.http;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.admin.AdminActions;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.sandbox.Conversation;
import dev.gatehouse.sandbox.ConversationEvent;
import dev.gatehouse.sandbox.Conversations;
import dev.gatehouse.sandbox.Delivery;
import dev.gatehouse.sandbox.DeliveryRepository;
import dev.gatehouse.sandbox.SandboxSettings;
import dev.gatehouse.sandbox.SandboxSettingsDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Locale;

/**
 * The admin side of the Send API sandbox: an account's conversations and their events, agent
 * messages sent by hand, the sandbox settings (scripted agent, fault injection), the webhook
 * deliveries and their outcome; and (sandbox or not) an app's webhook registration.
 */
final class AdminSandboxEndpoints {
  private final AdminRequests requests;
  private final AdminActions actions;
  private final Conversations conversations;
  private final SandboxSettingsDirectory settings;
  private final DeliveryRepository deliveries;

  /** The sandbox parts are null when the sandbox is off; then only the webhook registration is served. */
  AdminSandboxEndpoints(AdminRequests requests, AdminActions actions, Conversations conversations, SandboxSettingsDirectory settings,
      DeliveryRepository deliveries) {
    this.requests = requests;
    this.actions = actions;
    this.conversations = conversations;
    this.settings = settings;
    this.deliveries = deliveries;
  }

  /** {@code PUT .../apps/{clientId}/webhooks}: {@code {"webhooks": {...}, "client_secret": "..."}} (the secret only when the app has none kept). */
  void setWebhooks(RoutingContext ctx) {
    Account account = requests.account(ctx);
    ClientId id = AdminRequests.clientId(ctx);
    JsonObject body = Requests.jsonObject(ctx);
    Object hooks = body.containsKey("webhooks") ? body.getValue("webhooks")
        : body.getValue("capabilities") instanceof JsonObject c ? c.getValue("webhooks") : null;
    if (hooks == null) {
      throw new ApiException(ApiError.invalidRequest("webhooks is missing (DELETE removes the registration)"));
    }
    var config = WebhookJson.parse(hooks);
    String secret = Requests.optionalString(body, "client_secret");
    requests.blocking(ctx, 200, () -> AdminEndpoints.appJson(actions.setWebhooks(AdminRequests.actor(ctx), account.id(), id, config, secret)
        .orElseThrow(() -> noApp(account, id))));
  }

  void removeWebhooks(RoutingContext ctx) {
    Account account = requests.account(ctx);
    ClientId id = AdminRequests.clientId(ctx);
    requests.blocking(ctx, 200, () -> AdminEndpoints.appJson(actions.setWebhooks(AdminRequests.actor(ctx), account.id(), id, null, null)
        .orElseThrow(() -> noApp(account, id))));
  }

  void listConversations(RoutingContext ctx) {
    Account account = requests.account(ctx);
    var q = Requests.query(ctx);
    int limit = AdminRequests.intParam(Requests.single(q, "limit"), "limit", 50, 1, 500);
    String beforeText = Requests.single(q, "before");
    Instant before;
    try {
      before = beforeText == null ? null : Instant.parse(beforeText);
    } catch (java.time.format.DateTimeParseException e) {
      throw new ApiException(ApiError.invalidRequest("before must be an ISO-8601 instant, e.g. 2026-11-30T10:00:00Z (the next_before of the last page)"));
    }
    String beforeId = Requests.single(q, "before_id");
    if (beforeId != null && before == null) {
      throw new ApiException(ApiError.invalidRequest("before_id goes with before (the next_before_id and next_before of the last page)"));
    }
    requests.blocking(ctx, 200, () -> {
      var page = conversations.list(account.id(), before, beforeId, limit);
      JsonArray list = new JsonArray();
      page.forEach(c -> list.add(conversationJson(c)));
      JsonObject out = new JsonObject().put("conversations", list);
      if (page.size() == limit) {
        out.put("next_before", page.get(page.size() - 1).startedAt().toString());
        out.put("next_before_id", page.get(page.size() - 1).id());
      }
      return out;
    });
  }

  void getConversation(RoutingContext ctx) {
    Account account = requests.account(ctx);
    String id = ctx.pathParam("conversationId");
    var q = Requests.query(ctx);
    int from = AdminRequests.intParam(Requests.single(q, "from"), "from", 0, 0, Integer.MAX_VALUE);
    int limit = AdminRequests.intParam(Requests.single(q, "limit"), "limit", 200, 1, 1000);
    requests.blocking(ctx, 200, () -> {
      Conversation c = conversations.find(account.id(), id).orElseThrow(() -> noConversation(account, id));
      JsonArray events = new JsonArray();
      for (ConversationEvent e : conversations.events(id, from, limit)) {
        events.add(new JsonObject().put("event_no", e.eventNo()).put("sequence", e.sequence()).put("at", e.at().toString())
            .put("originator_id", e.originatorId()).put("role", e.role()).put("kind", e.kind()).put("change", new JsonObject(e.changeJson())));
      }
      return conversationJson(c).put("events", events);
    });
  }

  void agentMessage(RoutingContext ctx) {
    Account account = requests.account(ctx);
    String id = ctx.pathParam("conversationId");
    String text = Requests.requiredString(Requests.jsonObject(ctx), "text");
    requests.blocking(ctx, 201, () -> {
      try {
        int seq = actions.sendAgentMessage(AdminRequests.actor(ctx), account.id(), conversations, id, text)
            .orElseThrow(() -> noConversation(account, id));
        return new JsonObject().put("conversation_id", id).put("sequence", seq);
      } catch (IllegalStateException closed) {
        throw new ApiException(ApiError.of(409, "conflict", closed.getMessage()));
      }
    });
  }

  void getSettings(RoutingContext ctx) {
    Account account = requests.account(ctx);
    requests.blocking(ctx, 200, () -> settingsJson(settings.of(account.id())));
  }

  /** {@code PUT .../sandbox}: members given replace the current ones; members left out keep their value. */
  void putSettings(RoutingContext ctx) {
    Account account = requests.account(ctx);
    JsonObject body = Requests.jsonObject(ctx);
    requests.blocking(ctx, 200, () -> {
      SandboxSettings cur = settings.of(account.id());
      JsonObject f = body.getValue("faults") == null ? new JsonObject() : body.getValue("faults") instanceof JsonObject o ? o : null;
      if (f == null) {
        throw new ApiException(ApiError.invalidRequest("faults must be an object"));
      }
      for (String k : body.fieldNames()) {
        if (!k.equals("agent") && !k.equals("faults")) {
          throw new ApiException(ApiError.invalidRequest("unknown member '" + SentinelEndpoint.printable(k) + "'; known: agent, faults"));
        }
      }
      for (String k : f.fieldNames()) {
        if (!FAULTS.contains(k)) {
          throw new ApiException(ApiError.invalidRequest("unknown fault '" + SentinelEndpoint.printable(k) + "'; known: " + FAULTS));
        }
      }
      Object agent = body.getValue("agent");
      SandboxSettings.Agent a;
      try {
        a = agent == null ? cur.agent() : SandboxSettings.Agent.valueOf(((String) agent).toUpperCase(Locale.ROOT));
      } catch (ClassCastException | IllegalArgumentException e) {
        throw new ApiException(ApiError.invalidRequest("agent must be one of echo, accept, none"));
      }
      SandboxSettings next = new SandboxSettings(a,
          (int) number(f, "webhook_delay_ms", cur.webhookDelayMs()),
          number(f, "webhook_delay_share", cur.webhookDelayShare()),
          number(f, "webhook_fail_share", cur.webhookFailShare()),
          number(f, "webhook_duplicate_share", cur.webhookDuplicateShare()),
          number(f, "webhook_reorder_share", cur.webhookReorderShare()),
          number(f, "send_error_share", cur.sendErrorShare()),
          (int) number(f, "send_error_status", cur.sendErrorStatus()));
      actions.setSandboxSettings(AdminRequests.actor(ctx), account.id(), settings, next);
      return settingsJson(next);
    });
  }

  private static final java.util.List<String> FAULTS = java.util.List.of("webhook_delay_ms", "webhook_delay_share", "webhook_fail_share",
      "webhook_duplicate_share", "webhook_reorder_share", "send_error_share", "send_error_status");

  private static double number(JsonObject o, String name, double dflt) {
    Object v = o.getValue(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new ApiException(ApiError.invalidRequest("faults." + name + " must be a number"));
    }
    return n.doubleValue();
  }

  void listDeliveries(RoutingContext ctx) {
    Account account = requests.account(ctx);
    var q = Requests.query(ctx);
    int limit = AdminRequests.intParam(Requests.single(q, "limit"), "limit", 50, 1, 500);
    String state = Requests.single(q, "state");
    if (state != null && !java.util.List.of(Delivery.PENDING, Delivery.DELIVERED, Delivery.DROPPED).contains(state.toUpperCase(Locale.ROOT))) {
      throw new ApiException(ApiError.invalidRequest("state must be pending, delivered or dropped"));
    }
    String beforeText = Requests.single(q, "before_id");
    long before = beforeText == null ? 0 : AdminRequests.intParam(beforeText, "before_id", 0, 0, Integer.MAX_VALUE);
    requests.blocking(ctx, 200, () -> {
      var page = deliveries.list(account.id(), state == null ? null : state.toUpperCase(Locale.ROOT), before, limit);
      JsonArray list = new JsonArray();
      for (Delivery d : page) {
        list.add(new JsonObject().put("id", d.id()).put("client_id", d.clientId().value()).put("conversation_id", d.conversationId())
            .put("event_type", d.eventType()).put("endpoint", d.endpoint()).put("state", d.state().toLowerCase(Locale.ROOT))
            .put("attempts", d.attempts()).put("max_retries", d.maxRetries()).put("created_at", d.createdAt().toString())
            .put("next_attempt_at", d.nextAttemptAt().toString()).put("finished_at", d.finishedAt() == null ? null : d.finishedAt().toString())
            .put("last_result", d.lastResult()).put("body", new JsonObject(d.body())));
      }
      JsonObject out = new JsonObject().put("deliveries", list);
      if (page.size() == limit) {
        out.put("next_before_id", page.get(page.size() - 1).id());
      }
      return out;
    });
  }

  static JsonObject conversationJson(Conversation c) {
    return new JsonObject().put("conversation_id", c.id()).put("account_id", c.account().value()).put("client_id", c.clientId().value())
        .put("lp_consumer_id", c.lpConsumerId()).put("skill_id", c.skillId()).put("agent_id", c.agentId())
        .put("state", c.open() ? "OPEN" : "CLOSE").put("close_reason", c.closeReason()).put("started_at", c.startedAt().toString())
        .put("ended_at", c.endedAt() == null ? null : c.endedAt().toString()).put("next_sequence", c.nextSequence());
  }

  static JsonObject settingsJson(SandboxSettings s) {
    return new JsonObject().put("agent", s.agent().name().toLowerCase(Locale.ROOT)).put("faults", new JsonObject()
        .put("webhook_delay_ms", s.webhookDelayMs()).put("webhook_delay_share", s.webhookDelayShare())
        .put("webhook_fail_share", s.webhookFailShare()).put("webhook_duplicate_share", s.webhookDuplicateShare())
        .put("webhook_reorder_share", s.webhookReorderShare()).put("send_error_share", s.sendErrorShare())
        .put("send_error_status", s.sendErrorStatus()));
  }

  private static ApiException noApp(Account account, ClientId id) {
    return new ApiException(ApiError.notFound("no app " + id + " on account " + account.id()));
  }

  private static ApiException noConversation(Account account, String id) {
    return new ApiException(ApiError.notFound("no conversation '" + SentinelEndpoint.printable(id) + "' on account " + account.id()));
  }

}
