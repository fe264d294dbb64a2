package dev.gatehouse.issuance;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientAuthenticationException;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.cluster.MissLookups;
import dev.gatehouse.limits.AuthFailureLimits;
import dev.gatehouse.tokens.AppTokenIssuer;
import java.util.Arrays;
import java.util.List;

/**
 * Sentinel's client-credentials grant (RFC 6749 §4.4): authenticate the app of the account, decide
 * the scope, issue the AppJWT. The one place these rules live; the HTTP endpoint only reads the
 * request and renders the result.
 *
 * <p>Scope policy: no scope (or an empty one) means every scope the app was given; otherwise each
 * requested scope must be one of the app's, and the token carries exactly those, each once.
 *
 * <p>Thread-safe; no store access except {@link #catchUp}, which blocks.
 */
public final class AppTokenGrant {
  /** What a grant comes to. */
  public sealed interface Result permits Issued, NotSeenYet, GrantRefused {}

  /** An AppJWT for the app. */
  public record Issued(App app, AppTokenIssuer.IssuedAppToken token) implements Result {}

  /**
   * The client_id is not in this node's view but may have been made through another node a moment
   * ago: call {@link #catchUp} off the event loop, then {@link #grant} again.
   */
  public record NotSeenYet(ClientId clientId) implements Result {}

  private final AppDirectory apps;
  private final AppTokenIssuer issuer;
  private final CallerStanding standing;
  private final MissLookups misses;
  private final AuthFailureLimits limits;
  private final dev.gatehouse.limits.Quotas quotas;

  public AppTokenGrant(AppDirectory apps, AppTokenIssuer issuer, CallerStanding standing, MissLookups misses, AuthFailureLimits limits,
      dev.gatehouse.limits.Quotas quotas) {
    this.quotas = quotas;
    this.apps = apps;
    this.issuer = issuer;
    this.standing = standing;
    this.misses = misses;
    this.limits = limits;
  }

  /**
   * @param clientId and {@code secret} as the client sent them (either may be null)
   * @param requestedScope the {@code scope} parameter, or null
   * @param address where the request comes from, for the brute-force limits
   */
  public Result grant(AccountId account, String clientId, String secret, String requestedScope, String address) {
    String stale = standing.staleProblem();
    if (stale != null) {
      return GrantRefused.of(GrantRefused.Reason.TEMPORARILY_UNAVAILABLE, stale);
    }
    if (clientId == null || clientId.isEmpty()) {
      return GrantRefused.of(GrantRefused.Reason.INVALID_CLIENT, "client_id is missing");
    }
    if (secret == null || secret.isEmpty()) {
      return GrantRefused.of(GrantRefused.Reason.INVALID_CLIENT, "client_secret is missing");
    }
    java.time.Duration wait = limits.retryAfter(AuthFailureLimits.Door.CLIENT_SECRET, clientId, address);
    if (wait != null) {
      return new GrantRefused(GrantRefused.Reason.TOO_MANY_ATTEMPTS,
          "too many failed attempts to authenticate from this address; try again in " + wait.toSeconds() + " s", wait);
    }
    ClientId id = ClientId.parseOrNull(clientId);
    if (id != null && apps.find(id).isEmpty() && misses.allow(id.value())) {
      return new NotSeenYet(id);
    }
    App app;
    try {
      app = apps.authenticate(account, clientId, secret);
    } catch (ClientAuthenticationException e) {
      // an unknown client_id counts exactly like a wrong secret
      limits.failed(AuthFailureLimits.Door.CLIENT_SECRET, clientId, address);
      return GrantRefused.of(GrantRefused.Reason.INVALID_CLIENT, e.getMessage());
    }
    limits.succeeded(AuthFailureLimits.Door.CLIENT_SECRET, clientId, address);
    List<String> scopes;
    if (requestedScope == null || requestedScope.isBlank()) {
      scopes = app.scopes();
    } else {
      scopes = Arrays.stream(requestedScope.trim().split(" +")).distinct().toList();
      for (String s : scopes) {
        if (!app.scopes().contains(s)) {
          return GrantRefused.of(GrantRefused.Reason.INVALID_SCOPE,
              "scope '" + Printable.of(s) + "' is not granted to this app; it may ask for: " + app.scope());
        }
      }
    }
    java.time.Duration over = quotas.take(dev.gatehouse.limits.Quotas.Kind.APP_TOKENS, app.clientId().value());
    if (over != null) {
      return new GrantRefused(GrantRefused.Reason.TOO_MANY_ATTEMPTS,
          "this app has had its quota of AppJWTs for this minute; an AppJWT lasts an hour, so cache it", over);
    }
    return new Issued(app, issuer.issue(app, scopes));
  }

  /** Reads the app from the store (blocking), after {@link NotSeenYet}. */
  public void catchUp(NotSeenYet miss) {
    apps.findOrLoad(miss.clientId());
  }
}
