package dev.gatehouse.http;

import static dev.gatehouse.http.ConsoleEndpoints.field;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.keys.KeyPurpose;
import dev.gatehouse.keys.SigningKeyInfo;
import dev.gatehouse.limits.AuthFailureLimits;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The console's changes (POST forms; the CSRF token, origin and role were checked before these
 * run). Each calls {@link dev.gatehouse.admin.AdminActions}, the one place every admin change is
 * made and audited, with the signed-in operator as the actor.
 */
final class ConsoleActions {
  private final ConsoleEndpoints console;
  private final HttpApi.Parts parts;

  ConsoleActions(ConsoleEndpoints console, HttpApi.Parts parts) {
    this.console = console;
    this.parts = parts;
  }

  void routes(Router r) {
    r.post("/console/accounts").handler(this::createAccount);
    r.post("/console/accounts/:accountId/apps").handler(this::createApp);
    r.post("/console/accounts/:accountId/apps/:clientId/rotate-secret").handler(this::rotateSecret);
    r.post("/console/accounts/:accountId/apps/:clientId/disable").handler(ctx -> setEnabled(ctx, false));
    r.post("/console/accounts/:accountId/apps/:clientId/enable").handler(ctx -> setEnabled(ctx, true));
    r.post("/console/accounts/:accountId/apps/:clientId/webhooks").handler(this::webhooks);
    r.post("/console/accounts/:accountId/consumers/:lp/revoke").handler(ctx -> consumer(ctx, "revoke"));
    r.post("/console/accounts/:accountId/consumers/:lp/restore").handler(ctx -> consumer(ctx, "restore"));
    r.post("/console/accounts/:accountId/consumers/:lp/erase").handler(ctx -> consumer(ctx, "erase"));
    r.post("/console/keys/rotate").handler(this::rotateKey);
    r.post("/console/keys/:kid/retire").handler(this::retireKey);
    r.post("/console/lockouts/lift").handler(this::liftLockout);
  }

  private static String actor(RoutingContext ctx) {
    return ConsoleEndpoints.session(ctx).actor;
  }

  private void createAccount(RoutingContext ctx) {
    String id = field(ctx, "id");
    String name = field(ctx, "name");
    console.act(ctx, "/console/accounts", () -> {
      if (!AccountId.isValid(id)) {
        throw new IllegalArgumentException(AccountId.describeInvalid(id));
      }
      Account a = parts.adminActions().createAccount(actor(ctx), new AccountId(id), name.isEmpty() ? null : name);
      return new String[] {"Account " + a.id() + " created.", ConsoleEndpoints.accountPath(a)};
    });
  }

  private void createApp(RoutingContext ctx) {
    String name = field(ctx, "name");
    String scope = field(ctx, "scope");
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    console.act(ctx, "/console/accounts/" + ConsoleHtml.seg(ctx.pathParam("accountId")), () -> {
      Account a = console.account(ctx);
      List<String> scopes = scope.isEmpty() ? List.of() : Arrays.asList(scope.split(" +"));
      AppDirectory.CreatedApp c = parts.adminActions().createApp(actor(ctx), a.id(), name, scopes);
      s.showOnce(c.app().clientId().value(), c.clientSecret());
      return new String[] {"App " + c.app().name() + " installed.", ConsoleEndpoints.appPath(a, c.app())};
    });
  }

  private void rotateSecret(RoutingContext ctx) {
    String grace = field(ctx, "grace");
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    console.act(ctx, back(ctx), () -> {
      Account a = console.account(ctx);
      App app = console.app(ctx, a);
      long seconds;
      try {
        seconds = Long.parseLong(grace);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Choose how long the old secret keeps working.");
      }
      AppDirectory.CreatedApp c = parts.adminActions().rotateSecret(actor(ctx), a.id(), app.clientId(), Duration.ofSeconds(seconds)).orElseThrow();
      s.showOnce(app.clientId().value(), c.clientSecret());
      return new String[] {seconds == 0 ? "New secret issued; the old one no longer works." : "New secret issued; the old one works until "
          + c.app().previousSecretExpiresAt() + ".", back(ctx)};
    });
  }

  private void setEnabled(RoutingContext ctx, boolean on) {
    console.act(ctx, back(ctx), () -> {
      Account a = console.account(ctx);
      App app = console.app(ctx, a);
      parts.adminActions().setAppEnabled(actor(ctx), a.id(), app.clientId(), on).orElseThrow();
      return new String[] {on ? "App enabled." : "App disabled: its AppJWTs are refused from now on.", back(ctx)};
    });
  }

  private void webhooks(RoutingContext ctx) {
    String json = field(ctx, "webhooks");
    String secret = field(ctx, "client_secret");
    console.act(ctx, back(ctx), () -> {
      Account a = console.account(ctx);
      App app = console.app(ctx, a);
      dev.gatehouse.apps.WebhookConfig config;
      if (json.isEmpty()) {
        config = null;
      } else {
        Object parsed;
        try {
          parsed = io.vertx.core.json.Json.decodeValue(json);
        } catch (io.vertx.core.json.DecodeException e) {
          throw new IllegalArgumentException("The webhooks are not valid JSON.");
        }
        config = WebhookJson.parse(parsed);
      }
      parts.adminActions().setWebhooks(actor(ctx), a.id(), app.clientId(), config, secret.isEmpty() ? null : secret).orElseThrow();
      return new String[] {config == null ? "Webhooks removed." : "Webhooks saved.", back(ctx)};
    });
  }

  private void consumer(RoutingContext ctx, String what) {
    String lp = ctx.pathParam("lp");
    String confirm = field(ctx, "confirm");
    String back = "/console/accounts/" + ConsoleHtml.seg(ctx.pathParam("accountId")) + "/consumers?lp=" + ConsoleHtml.seg(lp);
    console.act(ctx, back, () -> {
      Account a = console.account(ctx);
      if (!dev.gatehouse.consumers.LpConsumerId.isValid(lp)) {
        throw new IllegalArgumentException("An lp_consumer_id is 64 lowercase hex characters.");
      }
      switch (what) {
        case "revoke" -> parts.adminActions().revokeConsumer(actor(ctx), a.id(), lp);
        case "restore" -> parts.adminActions().restoreConsumer(actor(ctx), a.id(), lp);
        default -> {
          if (!confirm.equals("erase")) {
            throw new IllegalArgumentException("Nothing was erased: type erase in the box to confirm.");
          }
          parts.adminActions().eraseConsumer(actor(ctx), a.id(), lp);
        }
      }
      return new String[] {switch (what) {
        case "revoke" -> "Consumer revoked: its ConsumerJWS are refused from now on.";
        case "restore" -> "Consumer restored.";
        default -> "Consumer erased.";
      }, back};
    });
  }

  private void rotateKey(RoutingContext ctx) {
    String purpose = field(ctx, "purpose");
    console.act(ctx, "/console/keys", () -> {
      KeyPurpose p;
      try {
        p = KeyPurpose.valueOf(purpose.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Unknown key ring '" + purpose + "'.");
      }
      SigningKeyInfo k = parts.adminActions().rotateKey(actor(ctx), p);
      return new String[] {"Key " + k.kid() + " published; it signs from " + k.activateAt() + ".", "/console/keys"};
    });
  }

  private void retireKey(RoutingContext ctx) {
    String kid = ctx.pathParam("kid");
    boolean force = field(ctx, "force").equals("yes");
    console.act(ctx, "/console/keys", () -> {
      SigningKeyInfo k = parts.adminActions().retireKey(actor(ctx), kid, force);
      return new String[] {"Key " + k.kid() + " retired.", "/console/keys"};
    });
  }

  private void liftLockout(RoutingContext ctx) {
    String door = field(ctx, "door");
    String subject = field(ctx, "subject");
    String address = field(ctx, "address");
    console.act(ctx, "/console/lockouts", () -> {
      AuthFailureLimits.Door d;
      try {
        d = AuthFailureLimits.Door.valueOf(door);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Unknown door '" + door + "'.");
      }
      int n = parts.adminActions().liftLockouts(actor(ctx), d, subject, address);
      return new String[] {n == 0 ? "That lockout had already ended." : "Lockout lifted.", "/console/lockouts"};
    });
  }

  private static String back(RoutingContext ctx) {
    return "/console/accounts/" + ConsoleHtml.seg(ctx.pathParam("accountId")) + "/apps/" + ConsoleHtml.seg(ctx.pathParam("clientId"));
  }
}
