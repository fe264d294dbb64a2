package dev.gatehouse.http;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.issuance.AppTokenGrant;
import dev.gatehouse.issuance.GrantRefused;
import dev.gatehouse.issuance.Printable;
import dev.gatehouse.tokens.AppTokenIssuer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentinel's token endpoint: OAuth 2.0 client credentials (RFC 6749 §4.4) issuing AppJWTs.
 *
 * <p>Liberal in what it takes, as real connectors demand: {@code grant_type}, {@code client_id},
 * {@code client_secret}, {@code scope} and {@code v} from the query, the form body, or both
 * (whatever the Content-Type says), the credentials also from HTTP Basic (RFC 6749 §2.3.1). The
 * same parameter twice with different values is {@code invalid_request}. Errors follow RFC 6749
 * §5.2. Runs on the event loop: no store access, one RSA signature.
 */
final class SentinelEndpoint {
  private static final String GRANT = "client_credentials";

  private final AppTokenGrant grant;
  private final io.micrometer.core.instrument.Counter issued;
  private final io.vertx.core.Vertx vertx;
  private final SourceAddress sources;

  SentinelEndpoint(io.vertx.core.Vertx vertx, AppTokenGrant grant, io.micrometer.core.instrument.Counter issued, SourceAddress sources) {
    this.vertx = vertx;
    this.sources = sources;
    this.grant = grant;
    this.issued = issued;
  }

  void tokenV1(RoutingContext ctx) {
    token(ctx, false);
  }

  void tokenV2(RoutingContext ctx) {
    token(ctx, true);
  }

  private void token(RoutingContext ctx, boolean v2) {
    AccountId account = Requests.pathAccount(ctx);
    Map<String, List<String>> params = merged(ctx);
    String v = Requests.single(params, "v");
    if (v != null && !v.equals("1.0") && !v.equals("2.0") && !v.equals("1") && !v.equals("2")) {
      throw new ApiException(ApiError.invalidRequest("v must be 1.0 or 2.0, got '" + printable(v) + "'"));
    }
    String grantType = Requests.single(params, "grant_type");
    if (grantType == null || grantType.isEmpty()) {
      throw new ApiException(ApiError.invalidRequest("grant_type is missing; use client_credentials"));
    }
    if (!GRANT.equals(grantType)) {
      throw new ApiException(ApiError.of(400, "unsupported_grant_type", "grant_type '" + printable(grantType) + "' is not supported; use client_credentials"));
    }
    String[] basic = Credentials.basic(ctx.request().getHeader("Authorization"));
    boolean usedBasic = basic != null;
    String clientId = agree("client_id", Requests.single(params, "client_id"), usedBasic ? basic[0] : null);
    String secret = agree("client_secret", Requests.single(params, "client_secret"), usedBasic ? basic[1] : null);
    String scope = Requests.single(params, "scope");
    String address = sources.of(ctx.request());
    if (dev.gatehouse.apps.ClientId.parseOrNull(clientId) != null) {
      ctx.put(HttpMetrics.CLIENT_ID, clientId); // a client id is no secret: the access log names it
    }
    AppTokenGrant.Result r = grant.grant(account, clientId, secret, scope, address);
    if (r instanceof AppTokenGrant.NotSeenYet miss) {
      // made through another node a moment ago? read it from the store, then answer
      vertx.executeBlocking(() -> {
        grant.catchUp(miss);
        return null;
      }, false).onComplete(ar -> {
        try {
          render(ctx, v2, grant.grant(account, clientId, secret, scope, address), usedBasic);
        } catch (RuntimeException e) {
          ctx.fail(e);
        }
      });
      return;
    }
    render(ctx, v2, r, usedBasic);
  }

  private void render(RoutingContext ctx, boolean v2, AppTokenGrant.Result r, boolean usedBasic) {
    if (r instanceof GrantRefused refused) {
      throw Refusals.toException(refused, usedBasic);
    }
    if (!(r instanceof AppTokenGrant.Issued ok)) {
      throw Refusals.toException(new GrantRefused(GrantRefused.Reason.INVALID_CLIENT, "unknown client_id, wrong client_secret, or a client of another account"), usedBasic);
    }
    AppTokenIssuer.IssuedAppToken t = ok.token();
    issued.increment();
    JsonObject body = new JsonObject()
        .put("access_token", t.token())
        .put("token_type", "Bearer");
    if (v2) {
      body.put("expires_in", Long.toString(t.expiresIn()));
    } else {
      body.put("expires_in", t.expiresIn());
    }
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
    Responses.json(ctx, 200, body);
  }

  /** Query and body parameters together, values in order of appearance. */
  private static Map<String, List<String>> merged(RoutingContext ctx) {
    Map<String, List<String>> all = new LinkedHashMap<>(Requests.query(ctx));
    Buffer body = Requests.body(ctx);
    if (body.length() > 0) {
      String media = Requests.mediaType(ctx);
      if (Requests.isJson(media) || (media != null && media.startsWith("multipart/"))) {
        throw new ApiException(ApiError.invalidRequest("token request body must be application/x-www-form-urlencoded, not " + media));
      }
      // Any other or absent Content-Type: some clients send none worth trusting; read it as a form.
      FormParams.parse(Requests.text(ctx))
          .forEach((k, v) -> all.merge(k, v, (a, b) -> {
            List<String> l = new ArrayList<>(a);
            l.addAll(b);
            return l;
          }));
    }
    return all;
  }

  private static String agree(String name, String fromParams, String fromBasic) {
    if (fromParams != null && fromBasic != null && !fromParams.equals(fromBasic)) {
      throw new ApiException(ApiError.invalidRequest(name + " in the parameters differs from the one in Authorization: Basic"));
    }
    return fromBasic != null ? fromBasic : fromParams;
  }

  static String printable(String s) {
    return Printable.of(s);
  }
}
