package dev.gatehouse.http;

import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientAuthenticationException;
import dev.gatehouse.verifier.AppToken;
import dev.gatehouse.verifier.ConnectorRequestVerifier;
import dev.gatehouse.verifier.ConsumerToken;
import dev.gatehouse.verifier.TokenRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * Token introspection (RFC 7662) for both token kinds, {@code POST /oauth/introspect} with a form
 * body {@code token=...}. The caller authenticates as an app (HTTP Basic or {@code client_id} and
 * {@code client_secret} in the body, RFC 6749 §2.3.1) and then learns only about tokens of its own
 * account, or with the admin token ({@code Authorization: Bearer}) about any. Expired, badly
 * signed, unknown, another account's, or a disabled app's tokens are all just {@code
 * {"active":false}} (§2.2).
 */
final class IntrospectionEndpoint {
  private final ConnectorRequestVerifier verifier;
  private final AppDirectory apps;
  private final dev.gatehouse.operators.OperatorTokens operators;
  private final String issuer;
  private final dev.gatehouse.issuance.CallerStanding standing;

  private final dev.gatehouse.limits.AuthFailureLimits limits;
  private final SourceAddress sources;

  IntrospectionEndpoint(ConnectorRequestVerifier verifier, AppDirectory apps, dev.gatehouse.operators.OperatorTokens operators, String issuer,
      dev.gatehouse.issuance.CallerStanding standing, dev.gatehouse.limits.AuthFailureLimits limits, SourceAddress sources) {
    this.limits = limits;
    this.sources = sources;
    this.standing = standing;
    this.verifier = verifier;
    this.apps = apps;
    this.operators = operators;
    this.issuer = issuer;
  }

  void introspect(RoutingContext ctx) {
    String media = Requests.mediaType(ctx);
    if (Requests.isJson(media)) {
      throw new ApiException(ApiError.invalidRequest("introspection request body must be application/x-www-form-urlencoded (RFC 7662 §2.1)"));
    }
    Map<String, List<String>> form = FormParams.parse(Requests.text(ctx));
    standing.requireFresh();
    String caller = callerAccount(ctx, form); // null for the admin
    String token = Requests.single(form, "token");
    if (token == null || token.isBlank()) {
      throw new ApiException(ApiError.invalidRequest("token is missing"));
    }
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
    Responses.json(ctx, 200, describe(token.trim(), caller));
  }

  private JsonObject describe(String token, String caller) {
    JsonObject inactive = new JsonObject().put("active", false);
    try {
      AppToken a = verifier.verifyAppJwt(token);
      if (standing.appProblem(a.clientId(), a.account(), a.issuedAt()) != null || (caller != null && !caller.equals(a.account()))) {
        return inactive;
      }
      return new JsonObject()
          .put("active", true)
          .put("token_kind", "AppJWT")
          .put("token_type", "Bearer")
          .put("iss", issuer)
          .put("aud", a.account())
          .put("client_id", a.clientId())
          .put("scope", String.join(" ", a.scopes()))
          .put("iat", a.issuedAt())
          .put("exp", a.expiresAt());
    } catch (TokenRejectedException notAnAppJwt) {
      // fall through: it may be a ConsumerJWS
    }
    try {
      ConsumerToken c = verifier.verifyConsumerJws(token);
      if ((caller != null && !caller.equals(c.account())) || standing.consumerProblem(c.account(), c.lpConsumerId()) != null) {
        return inactive;
      }
      return new JsonObject()
          .put("active", true)
          .put("token_kind", "ConsumerJWS")
          .put("account_id", c.account())
          .put("sub", c.lpConsumerId())
          .put("lp_consumer_id", c.lpConsumerId())
          .put("ext_consumer_id", c.extConsumerId());
    } catch (TokenRejectedException e) {
      return inactive;
    }
  }

  /** The account of the authenticated app, or null for the admin token. */
  private String callerAccount(RoutingContext ctx, Map<String, List<String>> form) {
    String h = ctx.request().getHeader("Authorization");
    String bearer = Credentials.bearer(h);
    String address = sources.of(ctx.request());
    var door = dev.gatehouse.limits.AuthFailureLimits.Door.INTROSPECTION;
    if (bearer != null) {
      java.time.Duration wait = limits.retryAfter(door, "admin", address);
      if (wait != null) {
        throw new ApiException(Refusals.tooMany("too many failed attempts from this address; try again in " + wait.toSeconds() + " s", wait));
      }
      var caller = operators.authenticate(bearer);
      if (caller.isPresent()) {
        limits.succeeded(door, "admin", address);
        if (!caller.get().role().mayIntrospect()) {
          throw new ApiException(ApiError.of(403, "forbidden", "this token's role may not introspect; use an admin or introspect token"));
        }
        return null;
      }
      limits.failed(door, "admin", address);
      throw new ApiException(ApiError.invalidClient("bearer token is not an admin or introspect token", false));
    }
    String id = Requests.single(form, "client_id");
    String secret = Requests.single(form, "client_secret");
    String[] basicPair = Credentials.basic(h);
    boolean basic = basicPair != null;
    if (basic) {
      id = basicPair[0];
      secret = basicPair[1];
    }
    if (id == null || secret == null) {
      throw new ApiException(ApiError.invalidClient("authenticate with the app's client_id and client_secret, or the admin token", true));
    }
    java.time.Duration wait = limits.retryAfter(door, id, address);
    if (wait != null) {
      throw new ApiException(Refusals.tooMany("too many failed attempts from this address; try again in " + wait.toSeconds() + " s", wait));
    }
    try {
      String account = apps.authenticate(null, id, secret).accountId().value();
      limits.succeeded(door, id, address);
      return account;
    } catch (ClientAuthenticationException e) {
      limits.failed(door, id, address);
      throw new ApiException(ApiError.invalidClient(e.getMessage(), basic));
    }
  }
}
