package dev.gatehouse.http;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.cluster.Topic;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The admin API under {@code /admin/v1}: accounts and app installations. Every call needs {@code
 * Authorization: Bearer <admin token>}. Store writes run on worker threads, never on the event loop.
 */
final class AdminEndpoints {
  private static final int MAX_NAME = 256;
  private static final java.util.regex.Pattern APP_PATH = java.util.regex.Pattern.compile("/admin/v1/accounts/[^/]+/apps/([^/]+)");

  private final Vertx vertx;
  private final Credentials.AdminToken adminToken;
  private final AccountDirectory accounts;
  private final AppDirectory apps;
  private final dev.gatehouse.audit.AuditLog audit;
  private final String actor;
  private final dev.gatehouse.consumers.ConsumerRegistry consumers;
  private final dev.gatehouse.keys.KeyRotation rotation;

  private final java.util.function.Consumer<Topic> changed;

  AdminEndpoints(Vertx vertx, String adminToken, AccountDirectory accounts, AppDirectory apps, dev.gatehouse.audit.AuditLog audit,
      dev.gatehouse.consumers.ConsumerRegistry consumers, dev.gatehouse.keys.KeyRotation rotation,
      java.util.function.Consumer<Topic> changed) {
    this.changed = changed;
    this.consumers = consumers;
    this.rotation = rotation;
    this.vertx = vertx;
    this.adminToken = new Credentials.AdminToken(adminToken);
    this.accounts = accounts;
    this.apps = apps;
    this.audit = audit;
    this.actor = dev.gatehouse.audit.AuditLog.actorId("admin", adminToken);
  }

  void authenticate(RoutingContext ctx) {
    String given = Credentials.bearer(ctx.request().getHeader("Authorization"));
    if (!adminToken.matches(given)) {
      Responses.error(ctx, new ApiError(401, "unauthorized",
          given == null ? "admin API needs Authorization: Bearer <admin token>" : "admin token is wrong",
          java.util.Map.of("WWW-Authenticate", "Bearer realm=\"gatehouse-admin\"")));
      return;
    }
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
        accounts.reload();
      }
      if (appMissing) {
        apps.refresh(client);
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
    String n = checkName(name == null ? id : name, "name");
    blocking(ctx, 201, () -> {
      JsonObject a = accountJson(accounts.create(new AccountId(id), n));
      audit.record(actor, "account.create", "account/" + id, "name=" + n);
      changed.accept(Topic.ACCOUNTS);
      return a;
    });
  }

  void listAccounts(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    accounts.list().forEach(a -> list.add(accountJson(a)));
    Responses.json(ctx, 200, new JsonObject().put("accounts", list));
  }

  void getAccount(RoutingContext ctx) {
    Responses.json(ctx, 200, accountJson(account(ctx)));
  }

  void createApp(RoutingContext ctx) {
    Account account = account(ctx);
    JsonObject body = Requests.jsonObject(ctx);
    String name = checkName(Requests.requiredString(body, "name"), "name");
    String scope = Requests.optionalString(body, "scope");
    List<String> scopes = scope == null || scope.isBlank() ? List.of() : Arrays.asList(scope.trim().split(" +"));
    blocking(ctx, 201, () -> {
      AppDirectory.CreatedApp c = apps.create(account.id(), name, scopes);
      audit.record(actor, "app.create", "app/" + c.app().clientId(), "account=" + account.id() + " name=" + name + " scope=" + c.app().scope());
      changed.accept(Topic.APPS);
      return appJson(c.app()).put("client_secret", c.clientSecret());
    });
  }

  void listApps(RoutingContext ctx) {
    Account account = account(ctx);
    JsonArray list = new JsonArray();
    apps.list(account.id()).forEach(a -> list.add(appJson(a)));
    Responses.json(ctx, 200, new JsonObject().put("apps", list));
  }

  void getApp(RoutingContext ctx) {
    Account account = account(ctx);
    ClientId id = clientId(ctx);
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
    Account account = account(ctx);
    ClientId id = clientId(ctx);
    long grace = 86_400;
    if (Requests.body(ctx).length() > 0) {
      JsonObject body = Requests.jsonObject(ctx);
      Object g = body.getValue("grace_seconds");
      if (g != null) {
        if (!(g instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0 || n.longValue() > 30L * 86_400) {
          throw new ApiException(ApiError.invalidRequest("grace_seconds must be a whole number of seconds from 0 to 2592000"));
        }
        grace = n.longValue();
      }
    }
    java.time.Duration d = java.time.Duration.ofSeconds(grace);
    blocking(ctx, 200, () -> {
      AppDirectory.CreatedApp c = apps.rotateSecret(account.id(), id, d).orElseThrow(() -> noApp(account, id));
      audit.record(actor, "app.rotate-secret", "app/" + id, "account=" + account.id() + " grace_seconds=" + d.getSeconds());
      changed.accept(Topic.APPS);
      return appJson(c.app()).put("client_secret", c.clientSecret());
    });
  }

  private void setEnabled(RoutingContext ctx, boolean on) {
    Account account = account(ctx);
    ClientId id = clientId(ctx);
    blocking(ctx, 200, () -> {
      JsonObject a = appJson(apps.setEnabled(account.id(), id, on).orElseThrow(() -> noApp(account, id)));
      audit.record(actor, on ? "app.enable" : "app.disable", "app/" + id, "account=" + account.id());
      changed.accept(Topic.APPS);
      return a;
    });
  }

  void listAudit(RoutingContext ctx) {
    var q = Requests.query(ctx);
    int limit = intParam(Requests.single(q, "limit"), "limit", 50, 1, 1000);
    String before = Requests.single(q, "before");
    Long beforeId = before == null ? null : (long) intParam(before, "before", 0, 1, Integer.MAX_VALUE);
    blocking(ctx, 200, () -> {
      JsonArray list = new JsonArray();
      var entries = audit.list(beforeId, limit);
      entries.forEach(e -> list.add(new JsonObject().put("id", e.id()).put("at", e.at().toString()).put("actor", e.actor())
          .put("action", e.action()).put("target", e.target()).put("detail", e.detail())));
      JsonObject out = new JsonObject().put("entries", list);
      if (entries.size() == limit) {
        out.put("next_before", entries.get(entries.size() - 1).id());
      }
      return out;
    });
  }

  /**
   * An account's consumers, paged by lp id ({@code ?limit=&after=}), or the one consumer with
   * {@code ?ext_consumer_id=} (its lp id is derived, so it is found even before its record is written).
   */
  void listConsumers(RoutingContext ctx) {
    Account account = account(ctx);
    var q = Requests.query(ctx);
    String ext = Requests.single(q, "ext_consumer_id");
    if (ext != null) {
      String lp = account.consumerIdKey().derive(ext).value();
      blocking(ctx, 200, () -> consumerJson(account, lp, consumers.find(account.id().value(), lp).orElse(null)));
      return;
    }
    int limit = intParam(Requests.single(q, "limit"), "limit", 100, 1, 1000);
    String after = Requests.single(q, "after");
    blocking(ctx, 200, () -> {
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
    Account account = account(ctx);
    String lp = lpParam(ctx);
    blocking(ctx, 200, () -> consumerJson(account, lp, consumers.find(account.id().value(), lp)
        .orElseThrow(() -> new ApiException(ApiError.notFound("no consumer " + lp + " on account " + account.id())))));
  }

  void revokeConsumer(RoutingContext ctx) {
    Account account = account(ctx);
    String lp = lpParam(ctx);
    blocking(ctx, 200, () -> {
      consumers.revoke(account.id().value(), lp);
      audit.record(actor, "consumer.revoke", "consumer/" + lp, "account=" + account.id());
      changed.accept(Topic.CONSUMERS);
      return consumerJson(account, lp, consumers.find(account.id().value(), lp).orElse(null));
    });
  }

  void restoreConsumer(RoutingContext ctx) {
    Account account = account(ctx);
    String lp = lpParam(ctx);
    blocking(ctx, 200, () -> {
      if (!consumers.restore(account.id().value(), lp)) {
        throw new ApiException(ApiError.of(409, "conflict", "consumer " + lp + " is not revoked, or was erased and cannot be restored"));
      }
      audit.record(actor, "consumer.restore", "consumer/" + lp, "account=" + account.id());
      changed.accept(Topic.CONSUMERS);
      return consumerJson(account, lp, consumers.find(account.id().value(), lp).orElse(null));
    });
  }

  void eraseConsumer(RoutingContext ctx) {
    Account account = account(ctx);
    String lp = lpParam(ctx);
    blocking(ctx, 200, () -> {
      boolean existed = consumers.erase(account.id().value(), lp);
      audit.record(actor, "consumer.erase", "consumer/" + lp, "account=" + account.id() + " record_existed=" + existed);
      changed.accept(Topic.CONSUMERS);
      return new JsonObject().put("account_id", account.id().value()).put("lp_consumer_id", lp).put("erased", true).put("record_existed", existed);
    });
  }

  private static String lpParam(RoutingContext ctx) {
    String lp = ctx.pathParam("lp");
    if (lp == null || !lp.matches("[0-9a-f]{64}")) {
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

  void listKeys(RoutingContext ctx) {
    blocking(ctx, 200, () -> {
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
    blocking(ctx, 201, () -> {
      var k = rotation.rotate(p);
      audit.record(actor, "key.rotate", "key/" + k.kid(), "purpose=" + p + " active_from=" + k.activateAt());
      return keyJson(k);
    });
  }

  void retireKey(RoutingContext ctx) {
    String kid = ctx.pathParam("kid");
    JsonObject body = Requests.body(ctx).length() == 0 ? new JsonObject() : Requests.jsonObject(ctx);
    Object f = body.getValue("force");
    if (f != null && !(f instanceof Boolean)) {
      throw new ApiException(ApiError.invalidRequest("force must be true or false"));
    }
    boolean force = Boolean.TRUE.equals(f);
    blocking(ctx, 200, () -> {
      var k = rotation.retire(kid, force);
      audit.record(actor, "key.retire", "key/" + kid, "purpose=" + k.purpose() + " force=" + force);
      return keyJson(k);
    });
  }

  private static JsonObject keyJson(dev.gatehouse.keys.StoredSigningKey k) {
    return new JsonObject().put("kid", k.kid()).put("purpose", k.purpose().name().toLowerCase(java.util.Locale.ROOT))
        .put("state", k.state().name().toLowerCase(java.util.Locale.ROOT)).put("alg", k.algorithm())
        .put("created_at", k.createdAt().toString())
        .put("published_at", k.publishedAt() == null ? null : k.publishedAt().toString())
        .put("activate_at", k.activateAt() == null ? null : k.activateAt().toString())
        .put("retire_at", k.retireAt() == null ? null : k.retireAt().toString());
  }

  private static int intParam(String text, String name, int dflt, int min, int max) {
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

  private Account account(RoutingContext ctx) {
    String raw = ctx.pathParam("accountId");
    return accounts.find(raw).orElseThrow(
        () -> new ApiException(ApiError.notFound("unknown account '" + SentinelEndpoint.printable(raw) + "'")));
  }

  private static ClientId clientId(RoutingContext ctx) {
    ClientId id = ClientId.parseOrNull(ctx.pathParam("clientId"));
    if (id == null) {
      throw new ApiException(ApiError.notFound("client_id in the path is not a UUID"));
    }
    return id;
  }

  private static ApiException noApp(Account account, ClientId id) {
    return new ApiException(ApiError.notFound("no app " + id + " on account " + account.id()));
  }

  private static String checkName(String name, String field) {
    String n = name.strip();
    if (n.isEmpty()) {
      throw new ApiException(ApiError.invalidRequest(field + " is empty"));
    }
    if (n.length() > MAX_NAME) {
      throw new ApiException(ApiError.invalidRequest(field + " is " + n.length() + " characters long; at most " + MAX_NAME + " allowed"));
    }
    if (n.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(ApiError.invalidRequest(field + " contains control characters"));
    }
    return n;
  }

  /** Runs store work on a worker thread and answers with its JSON, or the error it raised. */
  private void blocking(RoutingContext ctx, int status, Callable<JsonObject> work) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        Responses.json(ctx, status, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
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
        .put("previous_secret_expires_at", a.previousSecretExpiresAt() == null ? null : a.previousSecretExpiresAt().toString());
  }
}
