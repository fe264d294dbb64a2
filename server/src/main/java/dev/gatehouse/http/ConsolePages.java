package dev.gatehouse.http;

import static dev.gatehouse.http.ConsoleHtml.button;
import static dev.gatehouse.http.ConsoleHtml.csrf;
import static dev.gatehouse.http.ConsoleHtml.esc;
import static dev.gatehouse.http.ConsoleHtml.seg;
import static dev.gatehouse.http.ConsoleHtml.time;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.apps.App;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.consumers.ConsumerRecord;
import dev.gatehouse.keys.SigningKeyInfo;
import dev.gatehouse.limits.AuthFailureLimits;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/** The console's read pages (GET). Each renders from memory or one paged query; none scans a table. */
final class ConsolePages {
  static final int PAGE = 50;

  private final ConsoleEndpoints console;
  private final HttpApi.Parts parts;
  private final TokenRate rate = new TokenRate();

  ConsolePages(ConsoleEndpoints console, HttpApi.Parts parts) {
    this.console = console;
    this.parts = parts;
  }

  void routes(Router r) {
    r.get("/console/accounts").handler(this::accounts);
    r.get("/console/accounts/:accountId").handler(this::account);
    r.get("/console/accounts/:accountId/apps/:clientId").handler(this::app);
    r.get("/console/accounts/:accountId/consumers").handler(this::consumers);
    r.get("/console/keys").handler(this::keys);
    r.get("/console/lockouts").handler(this::lockouts);
    r.get("/console/audit").handler(this::audit);
    r.get("/console/status").handler(this::status);
  }

  private static int page(RoutingContext ctx) {
    return AdminRequests.intParam(Requests.single(Requests.query(ctx), "page"), "page", 1, 1, 1_000_000);
  }

  private void accounts(RoutingContext ctx) {
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    int page = page(ctx);
    console.render(ctx, () -> {
      List<Account> all = parts.accounts().list();
      StringBuilder b = ConsoleHtml.open("Accounts", s, "accounts");
      if (s.mayWrite()) {
        b.append("<form method=\"post\" action=\"/console/accounts\"><fieldset><legend>New account</legend>").append(csrf(s))
            .append("<label for=\"account-id\">Account id</label> <input id=\"account-id\" name=\"id\" required maxlength=\"64\" pattern=\"[A-Za-z0-9_-]{1,64}\"> ")
            .append("<label for=\"account-name\">Name</label> <input id=\"account-name\" name=\"name\" maxlength=\"256\"> ")
            .append("<button type=\"submit\">Create account</button></fieldset></form>");
      }
      if (all.isEmpty()) {
        b.append("<p class=\"empty\">No accounts yet.").append(s.mayWrite() ? " Create the first one above." : "").append("</p>");
        return ConsoleHtml.close(b);
      }
      int from = Math.min((page - 1) * PAGE, all.size());
      b.append("<table><caption>").append(all.size()).append(" accounts</caption><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Name</th>")
          .append("<th scope=\"col\">Created</th></tr></thead><tbody>");
      for (Account a : all.subList(from, Math.min(from + PAGE, all.size()))) {
        b.append("<tr><td><a href=\"").append(ConsoleEndpoints.accountPath(a)).append("\">").append(esc(a.id().value())).append("</a></td><td>")
            .append(esc(a.name())).append("</td><td>").append(time(a.createdAt())).append("</td></tr>");
      }
      b.append("</tbody></table>");
      pager(b, "/console/accounts?", page, from + PAGE < all.size());
      return ConsoleHtml.close(b);
    });
  }

  private static void pager(StringBuilder b, String base, int page, boolean more) {
    b.append("<nav aria-label=\"Pages\"><p>");
    if (page > 1) {
      b.append("<a href=\"").append(esc(base)).append("page=").append(page - 1).append("\">Newer / previous page</a> ");
    }
    if (more) {
      b.append("<a href=\"").append(esc(base)).append("page=").append(page + 1).append("\">Next page</a>");
    }
    b.append("</p></nav>");
  }

  private void account(RoutingContext ctx) {
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    int page = page(ctx);
    console.render(ctx, () -> {
      Account a = console.account(ctx);
      List<App> all = parts.apps().list(a.id());
      int from = Math.min((page - 1) * PAGE, all.size());
      List<App> apps = all.subList(from, Math.min(from + PAGE, all.size()));
      StringBuilder b = ConsoleHtml.open("Account " + a.id().value(), s, "accounts");
      b.append("<p>").append(esc(a.name())).append(" \u00b7 created ").append(time(a.createdAt())).append("</p>");
      b.append("<h2>Apps</h2>");
      if (all.isEmpty()) {
        b.append("<p class=\"empty\">No apps are installed on this account yet.</p>");
      } else {
        b.append("<table><caption>").append(all.size()).append(all.size() == 1 ? " app" : " apps")
            .append("</caption><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Client id</th><th scope=\"col\">State</th><th scope=\"col\">Created</th></tr></thead><tbody>");
        for (App app : apps) {
          b.append("<tr><td><a href=\"").append(ConsoleEndpoints.appPath(a, app)).append("\">").append(esc(app.name())).append("</a></td><td><code>")
              .append(app.clientId().value()).append("</code></td><td>").append(app.enabled() ? "enabled" : "<strong>disabled</strong>")
              .append("</td><td>").append(time(app.createdAt())).append("</td></tr>");
        }
        b.append("</tbody></table>");
        pager(b, ConsoleEndpoints.accountPath(a) + "?", page, from + PAGE < all.size());
      }
      if (s.mayWrite()) {
        b.append("<form method=\"post\" action=\"").append(ConsoleEndpoints.accountPath(a)).append("/apps\"><fieldset><legend>Install an app</legend>")
            .append(csrf(s)).append("<label for=\"app-name\">Name</label> <input id=\"app-name\" name=\"name\" required maxlength=\"256\"> ")
            .append("<label for=\"app-scope\">Scopes</label> <input id=\"app-scope\" name=\"scope\" placeholder=\"msg.consumer\"> ")
            .append("<button type=\"submit\">Create app</button><p>Its client secret is shown once, right after.</p></fieldset></form>");
      }
      b.append("<h2>Consumers</h2>").append(lookupForm(a, "", ""));
      return ConsoleHtml.close(b);
    });
  }

  private static String lookupForm(Account a, String ext, String lp) {
    return "<form method=\"get\" action=\"" + ConsoleEndpoints.accountPath(a) + "/consumers\" role=\"search\"><fieldset><legend>Look up a consumer</legend>"
        + "<label for=\"ext\">External id (ext_consumer_id)</label> <input id=\"ext\" name=\"ext\" value=\"" + esc(ext) + "\"> "
        + "<label for=\"lp\">or lp_consumer_id</label> <input id=\"lp\" name=\"lp\" size=\"64\" value=\"" + esc(lp) + "\"> "
        + "<button type=\"submit\">Look up</button></fieldset></form>";
  }

  private void app(RoutingContext ctx) {
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    console.render(ctx, () -> {
      Account a = console.account(ctx);
      App app = console.app(ctx, a);
      String path = ConsoleEndpoints.appPath(a, app);
      StringBuilder b = ConsoleHtml.open("App " + app.name(), s, "accounts");
      b.append("<p><a href=\"").append(ConsoleEndpoints.accountPath(a)).append("\">\u2190 Account ").append(esc(a.id().value())).append("</a></p>");
      String secret = s.takeSecret(app.clientId().value());
      if (secret != null) {
        b.append("<section class=\"warning\" aria-labelledby=\"secret-title\"><h2 id=\"secret-title\">Client secret: copy it now</h2>")
            .append("<p>This is the only time it is shown. Gatehouse keeps only a hash of it (and, for an app with webhooks, a sealed copy");
        b.append(" it cannot show). If it is lost, rotate the secret.</p><p><code class=\"secret\" id=\"client-secret\" data-copy=\"client secret\">")
            .append(esc(secret)).append("</code></p></section>");
      }
      b.append("<dl><dt>Client id</dt><dd><code data-copy=\"client id\">").append(app.clientId().value()).append("</code></dd>")
          .append("<dt>State</dt><dd id=\"app-state\">").append(app.enabled() ? "enabled" : "disabled").append("</dd>")
          .append("<dt>Scopes</dt><dd>").append(esc(app.scope())).append("</dd>")
          .append("<dt>Created</dt><dd>").append(time(app.createdAt())).append("</dd>")
          .append("<dt>Previous secret valid until</dt><dd>").append(time(app.previousSecretExpiresAt())).append("</dd></dl>");
      if (s.mayWrite()) {
        b.append("<form method=\"post\" action=\"").append(path).append("/rotate-secret\"><fieldset><legend>Rotate the client secret</legend>")
            .append(csrf(s)).append("<label for=\"grace\">The old secret keeps working for</label> <select id=\"grace\" name=\"grace\">")
            .append("<option value=\"86400\">24 hours</option><option value=\"3600\">1 hour</option><option value=\"604800\">7 days</option>")
            .append("<option value=\"0\">no time: cut it off now (its AppJWTs stop working too)</option></select> ")
            .append("<button type=\"submit\">Rotate secret</button></fieldset></form>");
        b.append(app.enabled()
            ? button(s, path + "/disable", "Disable app") + " <span>Disabling refuses new tokens and every AppJWT it has now, at once; enabling again does not bring those back.</span>"
            : button(s, path + "/enable", "Enable app"));
        b.append("<form method=\"post\" action=\"").append(path).append("/webhooks\"><fieldset><legend>Webhooks (Send API sandbox)</legend>")
            .append(csrf(s)).append("<label for=\"webhooks\">capabilities.webhooks as JSON; empty removes them</label><br>")
            .append("<textarea id=\"webhooks\" name=\"webhooks\" rows=\"6\" cols=\"90\">")
            .append(app.webhooks() == null ? "" : esc(WebhookJson.render(app.webhooks()).encodePrettily())).append("</textarea><br>")
            .append(app.sealedSecret() == null ? "<label for=\"hook-secret\">Its current client secret (needed once: it is kept only as a hash)</label> "
                + "<input type=\"password\" id=\"hook-secret\" name=\"client_secret\" autocomplete=\"off\"><br>" : "")
            .append("<button type=\"submit\">Save webhooks</button></fieldset></form>");
      } else if (app.webhooks() != null) {
        b.append("<h2>Webhooks</h2><pre>").append(esc(WebhookJson.render(app.webhooks()).encodePrettily())).append("</pre>");
      }
      return ConsoleHtml.close(b);
    });
  }

  private void consumers(RoutingContext ctx) {
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    var q = Requests.query(ctx);
    String ext = java.util.Optional.ofNullable(Requests.single(q, "ext")).orElse("");
    String lpGiven = java.util.Optional.ofNullable(Requests.single(q, "lp")).orElse("").strip();
    console.render(ctx, () -> {
      Account a = console.account(ctx);
      StringBuilder b = ConsoleHtml.open("Consumer lookup", s, "accounts");
      b.append("<p><a href=\"").append(ConsoleEndpoints.accountPath(a)).append("\">\u2190 Account ").append(esc(a.id().value())).append("</a></p>");
      b.append(lookupForm(a, ext, lpGiven));
      String lp = !ext.isEmpty() ? a.consumerIdKey().derive(ext).value() : lpGiven.toLowerCase(Locale.ROOT);
      if (lp.isEmpty()) {
        b.append("<p class=\"empty\">Give an external id or an lp_consumer_id.</p>");
        return ConsoleHtml.close(b);
      }
      if (!dev.gatehouse.consumers.LpConsumerId.isValid(lp)) {
        b.append("<p class=\"error\" role=\"alert\">An lp_consumer_id is 64 lowercase hex characters.</p>");
        return ConsoleHtml.close(b);
      }
      ConsumerRecord r = parts.consumers().find(a.id().value(), lp).orElse(null);
      boolean revoked = parts.consumers().isRevoked(a.id().value(), lp);
      b.append("<h2>Consumer</h2><dl><dt>lp_consumer_id</dt><dd><code id=\"lp-id\">").append(lp).append("</code></dd>")
          .append("<dt>External id</dt><dd>").append(r == null ? "<span class=\"empty\">not recorded</span>" : esc(r.extConsumerId())).append("</dd>")
          .append("<dt>First seen</dt><dd>").append(r == null ? "\u2014" : time(r.firstSeen())).append("</dd>")
          .append("<dt>Last seen</dt><dd>").append(r == null ? "\u2014" : time(r.lastSeen())).append("</dd>")
          .append("<dt>State</dt><dd id=\"consumer-state\">").append(revoked ? "revoked" : "active").append("</dd></dl>");
      if (r == null && !revoked) {
        b.append("<p class=\"empty\">No ConsumerJWS has been issued for this consumer on this account (or its record was erased).</p>");
      }
      if (s.mayWrite()) {
        String path = ConsoleEndpoints.accountPath(a) + "/consumers/" + lp;
        b.append(revoked ? button(s, path + "/restore", "Restore consumer")
            : button(s, path + "/revoke", "Revoke consumer") + " <span>Its ConsumerJWS are refused at once, on every node.</span>");
        b.append("<form method=\"post\" action=\"").append(path).append("/erase\"><fieldset><legend>Erase (right to be forgotten)</legend>").append(csrf(s))
            .append("<p>Erasing deletes the record of its external id and revokes the consumer for good. It cannot be undone.</p>")
            .append("<label for=\"confirm-erase\">Type <strong>erase</strong> to confirm</label> <input id=\"confirm-erase\" name=\"confirm\" autocomplete=\"off\"> ")
            .append("<button type=\"submit\">Erase consumer</button></fieldset></form>");
      }
      return ConsoleHtml.close(b);
    });
  }

  private void keys(RoutingContext ctx) {
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    console.render(ctx, () -> {
      StringBuilder b = ConsoleHtml.open("Signing keys", s, "keys");
      List<SigningKeyInfo> keys = parts.rotation().list();
      for (String purpose : ConsoleEndpoints.purposes()) {
        b.append("<h2>").append(purpose.equals("app_token") ? "AppJWT keys" : purpose.equals("consumer_token") ? "ConsumerJWS keys" : esc(purpose)).append("</h2>");
        b.append("<table><thead><tr><th scope=\"col\">Kid</th><th scope=\"col\">State</th><th scope=\"col\">Algorithm</th><th scope=\"col\">Kept in</th><th scope=\"col\">Created</th>")
            .append("<th scope=\"col\">Signs from</th><th scope=\"col\">Retires</th>").append(s.mayWrite() ? "<th scope=\"col\">Retire</th>" : "")
            .append("</tr></thead><tbody>");
        for (SigningKeyInfo k : keys) {
          if (!k.purpose().name().toLowerCase(Locale.ROOT).equals(purpose)) {
            continue;
          }
          b.append("<tr><td><code>").append(esc(k.kid())).append("</code></td><td>").append(k.state().name().toLowerCase(Locale.ROOT)).append("</td><td>")
              .append(esc(k.algorithm())).append("</td><td>").append(esc(k.location())).append("</td><td>").append(time(k.createdAt())).append("</td><td>").append(time(k.activateAt()))
              .append("</td><td>").append(time(k.retireAt())).append("</td>");
          if (s.mayWrite()) {
            b.append("<td>");
            if (k.state() != dev.gatehouse.keys.KeyState.RETIRED) {
              b.append("<form method=\"post\" action=\"/console/keys/").append(seg(k.kid())).append("/retire\" class=\"inline\">").append(csrf(s))
                  .append("<label><input type=\"checkbox\" name=\"force\" value=\"yes\"> even if it is the key that signs now")
                  .append(" (every token it signed stops verifying at once)</label> <button type=\"submit\">Retire ").append(esc(k.kid())).append("</button></form>");
            }
            b.append("</td>");
          }
          b.append("</tr>");
        }
        b.append("</tbody></table>");
        if (s.mayWrite()) {
          b.append(button(s, "/console/keys/rotate", "Rotate the " + (purpose.equals("app_token") ? "AppJWT" : "ConsumerJWS") + " key", "purpose", purpose))
              .append(" <span>A new key is published now and signs after the publication delay; the old one keeps verifying until retired.</span>");
        }
      }
      return ConsoleHtml.close(b);
    });
  }

  private void lockouts(RoutingContext ctx) {
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    console.render(ctx, () -> {
      StringBuilder b = ConsoleHtml.open("Lockouts", s, "lockouts");
      List<AuthFailureLimits.Lockout> all = parts.limits().lockouts();
      if (all.isEmpty()) {
        b.append("<p class=\"empty\">Nobody is locked out.</p>");
        return ConsoleHtml.close(b);
      }
      b.append("<table><thead><tr><th scope=\"col\">Door</th><th scope=\"col\">Subject</th><th scope=\"col\">Address</th><th scope=\"col\">Until</th>")
          .append(s.mayWrite() ? "<th scope=\"col\">Lift</th>" : "").append("</tr></thead><tbody>");
      for (AuthFailureLimits.Lockout l : all) {
        b.append("<tr><td>").append(l.door().name().toLowerCase(Locale.ROOT)).append("</td><td>").append(esc(l.subject())).append("</td><td>")
            .append(esc(l.address())).append("</td><td>").append(time(l.until())).append("</td>");
        if (s.mayWrite()) {
          b.append("<td>").append(button(s, "/console/lockouts/lift", "Lift", "door", l.door().name(), "subject", l.subject(), "address", l.address()))
              .append("</td>");
        }
        b.append("</tr>");
      }
      return ConsoleHtml.close(b.append("</tbody></table>"));
    });
  }

  private void audit(RoutingContext ctx) {
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    var q = Requests.query(ctx);
    String action = java.util.Optional.ofNullable(Requests.single(q, "action")).orElse("");
    String actor = java.util.Optional.ofNullable(Requests.single(q, "actor")).orElse("");
    String beforeText = Requests.single(q, "before");
    Long before = beforeText == null ? null : (long) AdminRequests.intParam(beforeText, "before", 1, 1, Integer.MAX_VALUE);
    console.render(ctx, () -> {
      List<AuditEntry> page = parts.audit().list(before, PAGE, action, actor);
      StringBuilder b = ConsoleHtml.open("Audit log", s, "audit");
      b.append("<form method=\"get\" action=\"/console/audit\" role=\"search\"><fieldset><legend>Filter</legend>")
          .append("<label for=\"f-action\">Action starts with</label> <input id=\"f-action\" name=\"action\" value=\"").append(esc(action))
          .append("\" placeholder=\"app.\"> <label for=\"f-actor\">Actor</label> <input id=\"f-actor\" name=\"actor\" value=\"").append(esc(actor))
          .append("\"> <button type=\"submit\">Filter</button></fieldset></form>");
      if (page.isEmpty()) {
        b.append("<p class=\"empty\">No entries").append(action.isEmpty() && actor.isEmpty() ? "" : " match this filter").append(".</p>");
        return ConsoleHtml.close(b);
      }
      b.append("<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Actor</th><th scope=\"col\">Action</th><th scope=\"col\">Target</th>")
          .append("<th scope=\"col\">Details</th></tr></thead><tbody>");
      for (AuditEntry e : page) {
        b.append("<tr><td>").append(time(e.at())).append("</td><td>").append(esc(e.actor())).append("</td><td>").append(esc(e.action()))
            .append("</td><td>").append(esc(e.target())).append("</td><td>").append(esc(e.detail())).append("</td></tr>");
      }
      b.append("</tbody></table>");
      if (page.size() == PAGE) {
        b.append("<nav aria-label=\"Pages\"><p><a href=\"/console/audit?before=").append(page.get(page.size() - 1).id()).append("&amp;action=")
            .append(esc(seg(action))).append("&amp;actor=").append(esc(seg(actor))).append("\">Older entries</a></p></nav>");
      }
      return ConsoleHtml.close(b);
    });
  }

  private void status(RoutingContext ctx) {
    ConsoleSessions.Session s = ConsoleEndpoints.session(ctx);
    StringBuilder b = ConsoleHtml.open("Status of this node", s, "status");
    var sync = parts.sync();
    b.append("<dl><dt>Ready</dt><dd>").append(parts.ready().getAsBoolean() ? "yes" : "no").append("</dd>")
        .append("<dt>Store</dt><dd id=\"store\">").append(esc(parts.store())).append(", ").append(sync.storeUp() ? "up" : "<strong>down</strong> since "
            + time(sync.storeDownSince())).append("</dd>")
        .append("<dt>Last read the store</dt><dd>").append(sync.staleness().toSeconds()).append(" s ago")
        .append(parts.standing().isFresh() ? "" : " <strong>(stale: token requests are refused)</strong>").append("</dd>")
        .append("<dt>Signing provider</dt><dd>").append(esc(parts.signingProvider())).append("</dd>")
        .append("<dt>Tokens issued since start</dt><dd>").append(issued("app_jwt")).append(" AppJWT, ").append(issued("consumer_jws"))
        .append(" ConsumerJWS</dd><dt>Tokens issued in the last minute</dt><dd>").append(rate.perMinute(parts.metrics())).append("</dd></dl>")
        .append("<p>Other nodes keep their own status: each serves this page for itself.</p>");
    ConsoleEndpoints.html(ctx, 200, ConsoleHtml.close(b));
  }

  private long issued(String kind) {
    var c = parts.metrics().find("gatehouse.tokens.issued").tag("kind", kind).counter();
    return c == null ? 0 : (long) c.count();
  }
}
