package dev.gatehouse.http;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.consumers.ExtConsumerId;
import dev.gatehouse.tokens.AppTokenVerifier;
import dev.gatehouse.tokens.ConsumerTokenIssuer;
import dev.gatehouse.tokens.TokenRejectedException;
import dev.gatehouse.tokens.VerifiedAppToken;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The IDP's ConsumerJWS endpoint, {@code POST /api/account/{accountId}/consumer}. The AppJWT comes
 * raw in {@code Authorization} (as every real client sends it) or with a {@code Bearer } prefix.
 * Checks in the order a client can act on: version, AppJWT (401/403, RFC 6750), media type (415),
 * body (400). Runs on the event loop: no store access, one RSA verification and one signature.
 */
final class IdpEndpoint {
  static final String SCOPE = App.CONSUMER_SCOPE;

  private final AccountDirectory accounts;
  private final AppDirectory apps;
  private final AppTokenVerifier verifier;
  private final dev.gatehouse.tokens.TokenStanding standing;
  private final ConsumerTokenIssuer issuer;

  private final io.micrometer.core.instrument.Counter issued;
  private final dev.gatehouse.consumers.ConsumerRegistry registry;

  private final io.vertx.core.Vertx vertx;
  private final dev.gatehouse.cluster.MissLookups misses;

  IdpEndpoint(io.vertx.core.Vertx vertx, AccountDirectory accounts, AppDirectory apps, AppTokenVerifier verifier,
      dev.gatehouse.tokens.TokenStanding standing, ConsumerTokenIssuer issuer,
      io.micrometer.core.instrument.Counter issued, dev.gatehouse.consumers.ConsumerRegistry registry, dev.gatehouse.cluster.MissLookups misses) {
    this.vertx = vertx;
    this.misses = misses;
    this.issued = issued;
    this.registry = registry;
    this.accounts = accounts;
    this.apps = apps;
    this.verifier = verifier;
    this.standing = standing;
    this.issuer = issuer;
  }

  void consumer(RoutingContext ctx) {
    AccountId accountId = Requests.pathAccount(ctx);
    String v = Requests.single(Requests.query(ctx), "v");
    if (v != null && !v.equals("1.0") && !v.equals("1")) {
      throw new ApiException(ApiError.invalidRequest("v must be 1.0, got '" + SentinelEndpoint.printable(v) + "'"));
    }
    standing.requireFresh();
    java.util.List<String> auth = ctx.request().headers().getAll("Authorization");
    if (auth.size() > 1) {
      throw new ApiException(ApiError.invalidToken("Authorization is given more than once"));
    }
    String header = auth.isEmpty() ? null : auth.get(0);
    String token = dev.gatehouse.verifier.BearerToken.from(header, true);
    if (token == null && header != null && !header.isBlank()) {
      throw new ApiException(ApiError.invalidToken("Authorization: Bearer has no token after it"));
    }
    VerifiedAppToken vt = verify(token, accountId);
    // a genuine AppJWT for an app or account this node has not seen yet: it was made through
    // another node a moment ago (before the change notice arrived), so read it from the store
    if ((apps.find(vt.clientId()).isEmpty() || accounts.find(accountId).isEmpty()) && misses.allow(vt.clientId().value())) {
      vertx.executeBlocking(() -> {
        apps.refresh(vt.clientId());
        if (accounts.find(accountId).isEmpty()) {
          accounts.reload();
        }
        return null;
      }, false).onComplete(ar -> {
        try {
          issue(ctx, accountId, vt);
        } catch (RuntimeException e) {
          ctx.fail(e);
        }
      });
      return;
    }
    issue(ctx, accountId, vt);
  }

  private void issue(RoutingContext ctx, AccountId accountId, VerifiedAppToken vt) {
    Account account = authorize(accountId, vt);

    String media = Requests.mediaType(ctx);
    if (media != null && !Requests.isJson(media)) {
      throw new ApiException(ApiError.of(415, "unsupported_media_type", "Content-Type must be application/json, not " + SentinelEndpoint.printable(media)));
    }
    JsonObject body = Requests.jsonObject(ctx);
    String ext = Requests.requiredString(body, "ext_consumer_id");
    String problem = ExtConsumerId.problem(ext);
    if (problem != null) {
      throw new ApiException(ApiError.invalidRequest(problem));
    }
    dev.gatehouse.consumers.LpConsumerId lp = account.consumerIdKey().derive(ext);
    if (standing.consumerRevoked(account.id().value(), lp.value())) {
      throw new ApiException(ApiError.of(403, "access_denied", "consumer " + lp + " is revoked on account " + account.id()));
    }
    ConsumerTokenIssuer.ConsumerToken t = issuer.issue(account, ext, lp);
    registry.sighted(account.id().value(), lp, ext);
    issued.increment();
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.json(ctx, 201, new JsonObject().put("token", t.token()));
  }

  private VerifiedAppToken verify(String token, AccountId accountId) {
    try {
      return verifier.verify(token, accountId, SCOPE);
    } catch (TokenRejectedException e) {
      throw new ApiException(e.reason() == TokenRejectedException.Reason.INSUFFICIENT_SCOPE
          ? ApiError.insufficientScope(e.getMessage(), SCOPE)
          : ApiError.invalidToken(e.getMessage()));
    }
  }

  private Account authorize(AccountId accountId, VerifiedAppToken vt) {
    String problem = standing.appProblem(vt.clientId().value(), accountId.value());
    if (problem != null) {
      throw new ApiException(ApiError.invalidToken(problem));
    }
    return accounts.find(accountId).orElseThrow(
        () -> new ApiException(ApiError.invalidToken("account " + accountId + " no longer exists")));
  }
}
