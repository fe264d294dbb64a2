package dev.gatehouse.http;

import static dev.gatehouse.http.ConsoleHtml.esc;
import static dev.gatehouse.http.ConsoleHtml.seg;
import static dev.gatehouse.http.ConsoleHtml.time;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.keys.KeyPurpose;
import dev.gatehouse.limits.AuthFailureLimits;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The admin console at {@code /console/}, on the admin side only: sign-in with an operator token
 * into a session cookie (HttpOnly, SameSite=Strict, Secure over TLS, 15 minutes idle), then
 * server-rendered pages for what an operator does every day. Reads are GET pages that work without
 * JavaScript; every change is a POST form carrying the session's CSRF token, made through {@link
 * dev.gatehouse.admin.AdminActions} exactly as the admin API makes it (same rules, same audit
 * entries), then redirected (303) to a page that shows its outcome once. The operator's role
 * decides what is shown and allowed: a read token sees no write controls, and its POSTs are
 * refused. Pages: {@link ConsolePages}; changes: {@link ConsoleActions}.
 */
final class ConsoleEndpoints {
  static final String COOKIE = "gatehouse_console";
  static final String SESSION = "gatehouse.console.session";
  private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self';"
      + " frame-ancestors 'none'; base-uri 'none'";

  private final Vertx vertx;
  private final HttpApi.Parts parts;
  private final ConsoleSessions sessions;
  private final SourceAddress sources;
  private final boolean tls;

  ConsoleEndpoints(Vertx vertx, HttpApi.Parts parts, SourceAddress sources) {
    this.vertx = vertx;
    this.parts = parts;
    this.sessions = new ConsoleSessions(java.time.Clock.systemUTC());
    this.sources = sources;
    this.tls = parts.publicBaseUrl().get().startsWith("https://");
  }

  void routes(Router r, RawBody body) {
    r.route("/console*").handler(this::headers);
    r.get("/console").handler(ctx -> redirect(ctx, "/console/accounts"));
    r.get("/console/").handler(ctx -> redirect(ctx, "/console/accounts"));
    r.get("/console/console.css").handler(ctx -> asset(ctx, "console.css", "text/css; charset=utf-8"));
    r.get("/console/console.js").handler(ctx -> asset(ctx, "console.js", "text/javascript; charset=utf-8"));
    r.get("/console/sign-in").handler(this::signInPage);
    r.post("/console/sign-in").handler(body).handler(this::signIn);
    r.route("/console/*").handler(this::requireSession);
    r.post("/console/*").handler(body).handler(this::requireCsrfAndWrite);
    r.post("/console/sign-out").handler(ctx -> {
      sessions.end(session(ctx));
      ctx.response().addCookie(cookie("").setMaxAge(0));
      redirect(ctx, "/console/sign-in");
    });
    new ConsolePages(this, parts).routes(r);
    new ConsoleActions(this, parts).routes(r);
  }

  private void headers(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Frame-Options", "DENY").putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store");
    ctx.next();
  }

  private void asset(RoutingContext ctx, String name, String type) {
    try (InputStream in = ConsoleEndpoints.class.getResourceAsStream("/dev/gatehouse/console/" + name)) {
      ctx.response().putHeader("Content-Type", type).end(io.vertx.core.buffer.Buffer.buffer(in.readAllBytes()));
    } catch (IOException | NullPointerException e) {
      ctx.fail(500);
    }
  }

  private void signInPage(RoutingContext ctx) {
    if (current(ctx) != null) {
      redirect(ctx, "/console/accounts");
      return;
    }
    html(ctx, 200, signInForm(null));
  }

  private static String signInForm(String error) {
    StringBuilder b = ConsoleHtml.open("Sign in", null, null);
    if (error != null) {
      b.append("<p class=\"error\" role=\"alert\">").append(esc(error)).append("</p>");
    }
    b.append("<form method=\"post\" action=\"/console/sign-in\"><p><label for=\"token\">Operator token</label> ")
        .append("<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" required autofocus></p>")
        .append("<p><button type=\"submit\">Sign in</button></p></form>")
        .append("<p>Use the admin token (<code>gatehouse-data/admin-token</code>) or an operator token made with <code>gatehouse tokens create</code>.")
        .append(" A read token signs in to a console without write controls.</p>");
    return ConsoleHtml.close(b);
  }

  /** Sign-in: the admin API's token check and brute-force limits, then a new session. */
  private void signIn(RoutingContext ctx) {
    if (!sameOrigin(ctx)) {
      html(ctx, 403, ConsoleHtml.close(ConsoleHtml.open("Refused", null, null).append("<p>This form must be sent from this console.</p>")));
      return;
    }
    String address = sources.of(ctx.request());
    java.time.Duration wait = parts.limits().retryAfter(AuthFailureLimits.Door.ADMIN_TOKEN, "admin", address);
    if (wait != null) {
      html(ctx, 429, signInForm("Too many failed sign-ins from this address. Try again in " + wait.toSeconds() + " seconds."));
      return;
    }
    String token = form(ctx).getOrDefault("token", List.of("")).get(0);
    var caller = parts.operators().authenticate(token).orElse(null);
    if (caller == null || caller.role() == dev.gatehouse.operators.Role.INTROSPECT) {
      parts.limits().failed(AuthFailureLimits.Door.ADMIN_TOKEN, "admin", address);
      html(ctx, 401, signInForm(caller == null ? "That token is not valid." : "An introspection token cannot sign in to the console."));
      return;
    }
    parts.limits().succeeded(AuthFailureLimits.Door.ADMIN_TOKEN, "admin", address);
    ConsoleSessions.Session s = sessions.start(caller.actor(), caller.role());
    ctx.response().addCookie(cookie(s.id));
    redirect(ctx, "/console/accounts");
  }

  private Cookie cookie(String value) {
    return Cookie.cookie(COOKIE, value).setPath("/console").setHttpOnly(true).setSecure(tls).setSameSite(CookieSameSite.STRICT);
  }

  private ConsoleSessions.Session current(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(COOKIE);
    return c == null ? null : sessions.find(c.getValue());
  }

  private void requireSession(RoutingContext ctx) {
    ConsoleSessions.Session s = current(ctx);
    if (s == null) {
      if (ctx.request().method().name().equals("GET")) {
        redirect(ctx, "/console/sign-in");
      } else {
        html(ctx, 403, ConsoleHtml.close(ConsoleHtml.open("Refused", null, null)
            .append("<p>You are not signed in (or your session ended after 15 idle minutes). <a href=\"/console/sign-in\">Sign in</a>.</p>")));
      }
      return;
    }
    ctx.put(SESSION, s);
    ctx.next();
  }

  /** Every change: sent from this console (Origin), with the session's CSRF token, by a role that may write. */
  private void requireCsrfAndWrite(RoutingContext ctx) {
    ConsoleSessions.Session s = session(ctx);
    if (!sameOrigin(ctx) || !s.csrfMatches(form(ctx).getOrDefault("csrf", List.of("")).get(0))) {
      html(ctx, 403, ConsoleHtml.close(ConsoleHtml.open("Refused", s, null)
          .append("<p>This form was not sent from this console's own page (its security token is missing or stale). Go back, reload the page and try again.</p>")));
      return;
    }
    if (!s.mayWrite() && !ctx.request().path().equals("/console/sign-out")) {
      html(ctx, 403, ConsoleHtml.close(ConsoleHtml.open("Refused", s, null).append("<p>Your token may only read: it cannot change anything.</p>")));
      return;
    }
    ctx.next();
  }

  /**
   * An Origin header, when the browser names one, must be this server. (Under {@code Referrer-Policy:
   * no-referrer} browsers send {@code Origin: null} even for the console's own forms, so "null" names
   * none; the CSRF token and the SameSite=Strict cookie are the defence, this is a second one.)
   */
  private boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || origin.equals("null")) {
      return true;
    }
    String host = ctx.request().getHeader("Host");
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  static ConsoleSessions.Session session(RoutingContext ctx) {
    return ctx.get(SESSION);
  }

  static java.util.Map<String, List<String>> form(RoutingContext ctx) {
    java.util.Map<String, List<String>> f = ctx.get("gatehouse.console.form");
    if (f == null) {
      f = FormParams.parse(Requests.text(ctx));
      ctx.put("gatehouse.console.form", f);
    }
    return f;
  }

  static String field(RoutingContext ctx, String name) {
    List<String> v = form(ctx).get(name);
    return v == null || v.isEmpty() ? "" : v.get(0).strip();
  }

  static void html(RoutingContext ctx, int status, String page) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(page);
  }

  static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(303).putHeader("Location", to).end();
  }

  /** Renders a page from work that may read the store, off the event loop. */
  void render(RoutingContext ctx, Callable<String> page) {
    vertx.executeBlocking(page, false).onComplete(ar -> {
      if (ar.succeeded()) {
        html(ctx, 200, ar.result());
      } else if (ar.cause() instanceof ApiException e && e.error.status() == 404) {
        html(ctx, 404, ConsoleHtml.close(ConsoleHtml.open("Not found", session(ctx), null).append("<p>").append(esc(e.error.description()))
            .append("</p><p><a href=\"/console/accounts\">Back to the accounts</a></p>")));
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /**
   * Makes a change off the event loop: on success the notice it returns is shown on {@code then};
   * a refusal (a bad value, a state that does not allow it) is shown on {@code back}.
   */
  void act(RoutingContext ctx, String back, Callable<String[]> change) {
    ConsoleSessions.Session s = session(ctx);
    vertx.executeBlocking(change, false).onComplete(ar -> {
      if (ar.succeeded()) {
        s.notice(ar.result()[0]);
        redirect(ctx, ar.result()[1]);
        return;
      }
      Throwable f = ar.cause();
      if (f instanceof IllegalArgumentException || f instanceof IllegalStateException || f instanceof ApiException
          || f instanceof dev.gatehouse.accounts.AccountDirectory.DuplicateAccountException) {
        s.error(f instanceof ApiException e ? e.error.description() : f.getMessage());
        redirect(ctx, back);
      } else if (f instanceof dev.gatehouse.store.StoreException e && e.busy()) {
        s.error("The server is busy writing other changes, so nothing was changed. Try again in a moment.");
        redirect(ctx, back);
      } else if (f instanceof dev.gatehouse.store.StoreException) {
        s.error("The database cannot be reached, so nothing was changed. Try again in a moment.");
        redirect(ctx, back);
      } else {
        ctx.fail(f);
      }
    });
  }

  Account account(RoutingContext ctx) {
    String raw = ctx.pathParam("accountId");
    return parts.accounts().find(raw).orElseThrow(() -> new ApiException(ApiError.notFound("There is no account '" + raw + "'.")));
  }

  App app(RoutingContext ctx, Account a) {
    ClientId id = ClientId.parseOrNull(ctx.pathParam("clientId"));
    return (id == null ? java.util.Optional.<App>empty() : parts.apps().findOrLoad(id)).filter(x -> x.accountId().equals(a.id()))
        .orElseThrow(() -> new ApiException(ApiError.notFound("Account " + a.id() + " has no app '" + ctx.pathParam("clientId") + "'.")));
  }

  static String accountPath(Account a) {
    return "/console/accounts/" + seg(a.id().value());
  }

  static String appPath(Account a, App app) {
    return accountPath(a) + "/apps/" + app.clientId().value();
  }

  static List<String> purposes() {
    return java.util.Arrays.stream(KeyPurpose.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList();
  }

}
