package dev.gatehouse.http;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.issuance.ConsumerTokenGrant;
import dev.gatehouse.issuance.GrantRefused;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The IDP's ConsumerJWS endpoint, {@code POST /api/account/{accountId}/consumer}: reads the request
 * and renders what {@link ConsumerTokenGrant} decides. The AppJWT comes raw in {@code
 * Authorization} (as every real client sends it) or with a {@code Bearer } prefix. Checks in the
 * order a client can act on: version, AppJWT (401/403, RFC 6750), media type (415), body (400).
 * Runs on the event loop: one RSA verification and one signature, no store access.
 */
final class IdpEndpoint {
  private final ConsumerTokenGrant grant;
  private final io.micrometer.core.instrument.Counter issued;
  private final io.vertx.core.Vertx vertx;

  IdpEndpoint(io.vertx.core.Vertx vertx, ConsumerTokenGrant grant, io.micrometer.core.instrument.Counter issued) {
    this.vertx = vertx;
    this.grant = grant;
    this.issued = issued;
  }

  void consumer(RoutingContext ctx) {
    AccountId accountId = Requests.pathAccount(ctx);
    String v = Requests.single(Requests.query(ctx), "v");
    if (v != null && !v.equals("1.0") && !v.equals("1")) {
      throw new ApiException(ApiError.invalidRequest("v must be 1.0, got '" + SentinelEndpoint.printable(v) + "'"));
    }
    java.util.List<String> auth = ctx.request().headers().getAll("Authorization");
    if (auth.size() > 1) {
      throw new ApiException(ApiError.invalidToken("Authorization is given more than once"));
    }
    String header = auth.isEmpty() ? null : auth.get(0);
    String token = dev.gatehouse.verifier.BearerToken.from(header, true);
    if (token == null && header != null && !header.isBlank()) {
      throw new ApiException(ApiError.invalidToken("Authorization: Bearer has no token after it"));
    }
    ConsumerTokenGrant.Authorization a = grant.authorize(accountId, token);
    if (a instanceof ConsumerTokenGrant.NotSeenYet miss) {
      // a genuine AppJWT for an app or account made through another node a moment ago (before
      // the change notice arrived): read it from the store, then decide
      vertx.executeBlocking(() -> {
        grant.catchUp(miss);
        return null;
      }, false).onComplete(ar -> {
        try {
          issue(ctx, grant.authorize(accountId, token));
        } catch (RuntimeException e) {
          ctx.fail(e);
        }
      });
      return;
    }
    issue(ctx, a);
  }

  private void issue(RoutingContext ctx, ConsumerTokenGrant.Authorization a) {
    if (a instanceof GrantRefused refused) {
      throw Refusals.toException(refused, false);
    }
    if (!(a instanceof ConsumerTokenGrant.AuthorizedCaller caller)) {
      throw new ApiException(ApiError.invalidToken("the app this AppJWT was issued to no longer exists"));
    }
    String media = Requests.mediaType(ctx);
    if (media != null && !Requests.isJson(media)) {
      throw new ApiException(ApiError.of(415, "unsupported_media_type", "Content-Type must be application/json, not " + SentinelEndpoint.printable(media)));
    }
    JsonObject body = Requests.jsonObject(ctx);
    String ext = Requests.requiredString(body, "ext_consumer_id");
    ConsumerTokenGrant.Result r = grant.issue(caller, ext);
    if (r instanceof GrantRefused refused) {
      throw Refusals.toException(refused, false);
    }
    ConsumerTokenGrant.Issued ok = (ConsumerTokenGrant.Issued) r;
    issued.increment();
    ctx.response().putHeader("Cache-Control", "no-store");
    Responses.json(ctx, 201, new JsonObject().put("token", ok.token()));
  }
}
