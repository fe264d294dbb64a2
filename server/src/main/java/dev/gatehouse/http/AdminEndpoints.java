package dev.gatehouse.http;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.admin.AdminActions;
import dev.gatehouse.limits.AuthFailureLimits;
import dev.gatehouse.operators.OperatorTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;

/**
 * The admin API under {@code /admin/v1}: the admin token check, catching up with other nodes, and
 * accounts and app installations (consumers: {@link AdminConsumerEndpoints}; keys and audit: {@link
 * AdminKeyEndpoints}). Every call needs {@code Authorization: Bearer <admin token>}. Changes go
 * through {@link AdminActions} on worker threads, never on the event loop.
 */
final class AdminEndpoints {
  private static final java.util.regex.Pattern APP_PATH = java.util.regex.Pattern.compile("/admin/v1/accounts/[^/]+/apps/([^/]+)");

  private final Vertx vertx;
  private final OperatorTokens operators;
  private final AccountDirectory accounts;
  private final AppDirectory apps;
  private final AdminActions actions;
  private final AdminRequests requests;

  private final AuthFailureLimits limits;
  private final SourceAddress sources;

  AdminEndpoints(Vertx vertx, OperatorTokens operators, AccountDirectory accounts, AppDirectory apps, AdminActions actions, AdminRequests requests,
      AuthFailureLimits limits, SourceAddress sources) {
    this.limits = limits;
    this.sources = sources;
    this.vertx = vertx;
    this.operators = operators;
    this.accounts = accounts;
    this.apps = apps;
    this.actions = actions;
    this.requests = requests;
  }

  void authenticate(RoutingContext ctx) {
    String address = sources.of(ctx.request());
    java.time.Duration wait = limits.retryAfter(AuthFailureLimits.Door.ADMIN_TOKEN, "admin", address);
    if (wait != null) {
      Responses.error(ctx, Refusals.tooMany("too many failed attempts with an admin token from this address; try again in "
          + wait.toSeconds() + " s", wait));
      return;
    }
    String given = Credentials.bearer(ctx.request().getHeader("Authorization"));
    OperatorTokens.Caller caller = operators.authenticate(given).orElse(null);
    if (caller == null) {
      limits.failed(AuthFailureLimits.Door.ADMIN_TOKEN, "admin", address);
      Responses.error(ctx, new ApiError(401, "unauthorized",
          given == null ? "admin API needs Authorization: Bearer <admin token>" : "admin token is wrong",
          java.util.Map.of("WWW-Authenticate", "Bearer realm=\"gatehouse-admin\"")));
      return;
    }
    limits.succeeded(AuthFailureLimits.Door.ADMIN_TOKEN, "admin", address);
    if (!caller.role().mayAdminister(ctx.request().method().name())) {
      Responses.error(ctx, ApiError.of(403, "forbidden", "this token's role (" + caller.role().name().toLowerCase(java.util.Locale.ROOT)
          + ") may not " + ctx.request().method() + " the admin API"));
      return;
    }
    ctx.put(AdminRequests.ACTOR, caller.actor());
    ctx.next();
  }

  /**
   * Before an admin call about one account or app: if this node has not seen it, reads it from the
   * store first (it may have been made through another node a moment ago).
   */
  void catchUp(RoutingContext ctx) {
    String raw = ctx.pathParam("accountId");
    java.util.regex.Matcher m = APP_PATH.matcher(ctx.normalizedPath());
    String rawClient = m.lookingAt() ? m.group(1) : null;
    ClientId client = rawClient == null ? null : ClientId.parseOrNull(rawClient);
    boolean accountMissing = AccountId.isValid(raw) && accounts.find(raw).isEmpty();
    boolean appMissing = client != null && apps.find(client).isEmpty();
    if (!accountMissing && !appMissing) {
      ctx.next();
      return;
    }
    vertx.executeBlocking(() -> {
      if (accountMissing) {
        accounts.findOrLoad(new AccountId(raw));
      }
      if (appMissing) {
        apps.findOrLoad(client);
      }
      return null;
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.next();
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  void createAccount(RoutingContext ctx) {
    JsonObject body = Requests.jsonObject(ctx);
    String id = Requests.requiredString(body, "id");
    if (!AccountId.isValid(id)) {
      throw new ApiException(ApiError.invalidRequest(AccountId.describeInvalid(id) + " (field id)"));
    }
    String name = Requests.optionalString(body, "name");
    requests.blocking(ctx, 201, () -> accountJson(actions.createAccount(AdminRequests.actor(ctx), new AccountId(id), name)));
  }

  void listAccounts(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    accounts.list().forEach(a -> list.add(accountJson(a)));
    Responses.json(ctx, 200, new JsonObject().put("accounts", list));
  }

  void getAccount(RoutingContext ctx) {
    Responses.json(ctx, 200, accountJson(requests.account(ctx)));
  }

  void createApp(RoutingContext ctx) {
    Account account = requests.account(ctx);
    JsonObject body = Requests.jsonObject(ctx);
    String name = Requests.requiredString(body, "name");
    String scope = Requests.optionalString(body, "scope");
    List<String> scopes = scope == null || scope.isBlank() ? List.of() : Arrays.asList(scope.trim().split(" +"));
    Object capabilities = body.getValue("capabilities");
    if (capabilities != null && !(capabilities instanceof JsonObject)) {
      throw new ApiException(ApiError.invalidRequest("capabilities must be an object"));
    }
    Object hooks = body.containsKey("webhooks") ? body.getValue("webhooks") : capabilities == null ? null : ((JsonObject) capabilities).getValue("webhooks");
    dev.gatehouse.apps.WebhookConfig webhooks = hooks == null ? null : WebhookJson.parse(hooks);
    requests.blocking(ctx, 201, () -> {
      AppDirectory.CreatedApp c = actions.createApp(AdminRequests.actor(ctx), account.id(), name, scopes, webhooks);
      return appJson(c.app()).put("client_secret", c.clientSecret());
    });
  }

  void listApps(RoutingContext ctx) {
    Account account = requests.account(ctx);
    JsonArray list = new JsonArray();
    apps.list(account.id()).forEach(a -> list.add(appJson(a)));
    Responses.json(ctx, 200, new JsonObject().put("apps", list));
  }

  void getApp(RoutingContext ctx) {
    Account account = requests.account(ctx);
    ClientId id = AdminRequests.clientId(ctx);
    App app = apps.find(id).filter(a -> a.accountId().equals(account.id())).orElseThrow(() -> noApp(account, id));
    Responses.json(ctx, 200, appJson(app));
  }

  void disableApp(RoutingContext ctx) {
    setEnabled(ctx, false);
  }

  void enableApp(RoutingContext ctx) {
    setEnabled(ctx, true);
  }

  void rotateSecret(RoutingContext ctx) {
    Account account = requests.account(ctx);
    ClientId id = AdminRequests.clientId(ctx);
    long grace = 86_400;
    if (Requests.body(ctx).length() > 0) {
      JsonObject body = Requests.jsonObject(ctx);
      Object g = body.getValue("grace_seconds");
      if (g != null) {
        // the range is AdminActions' rule; here only the JSON shape
        if (!(g instanceof Number n) || n.doubleValue() != n.longValue()) {
          throw new ApiException(ApiError.invalidRequest("grace_seconds must be a whole number of seconds from 0 to "
              + AdminActions.MAX_GRACE.toSeconds()));
        }
        grace = n.longValue();
      }
    }
    java.time.Duration d = java.time.Duration.ofSeconds(grace);
    requests.blocking(ctx, 200, () -> {
      AppDirectory.CreatedApp c = actions.rotateSecret(AdminRequests.actor(ctx), account.id(), id, d).orElseThrow(() -> noApp(account, id));
      return appJson(c.app()).put("client_secret", c.clientSecret());
    });
  }

  private void setEnabled(RoutingContext ctx, boolean on) {
    Account account = requests.account(ctx);
    ClientId id = AdminRequests.clientId(ctx);
    requests.blocking(ctx, 200, () -> appJson(actions.setAppEnabled(AdminRequests.actor(ctx), account.id(), id, on).orElseThrow(() -> noApp(account, id))));
  }

  private static ApiException noApp(Account account, ClientId id) {
    return new ApiException(ApiError.notFound("no app " + id + " on account " + account.id()));
  }

  static JsonObject accountJson(Account a) {
    return new JsonObject().put("id", a.id().value()).put("name", a.name()).put("created_at", a.createdAt().toString());
  }

  static JsonObject appJson(App a) {
    return new JsonObject()
        .put("client_id", a.clientId().value())
        .put("account_id", a.accountId().value())
        .put("name", a.name())
        .put("enabled", a.enabled())
        .put("scope", a.scope())
        .put("created_at", a.createdAt().toString())
        .put("updated_at", a.updatedAt().toString())
        .put("previous_secret_expires_at", a.previousSecretExpiresAt() == null ? null : a.previousSecretExpiresAt().toString())
        .put("webhooks", a.webhooks() == null ? null : WebhookJson.render(a.webhooks()));
  }
}
