package dev.gatehouse.http;

import dev.gatehouse.accounts.AccountDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Authorization server metadata (RFC 8414). Sentinel's token endpoint has the account in its path,
 * so there are two documents: {@code /.well-known/oauth-authorization-server} for the server as a
 * whole (the token endpoint given as a template), and, per account, {@code
 * /.well-known/oauth-authorization-server/sentinel/api/account/{id}} whose issuer is that
 * account's Sentinel URL and whose token endpoint is concrete (RFC 8414 §3.1: the well-known
 * suffix goes between host and path), which is what a standard OAuth client library configures
 * itself from. The AppJWT's own {@code iss} stays the documented {@code Sentinel}: our decision,
 * since RFC 8414 §3.3 makes a client check {@code issuer} against the URL it fetched the document
 * from (so it must be that URL), while the vendor's verifiers check {@code iss} against {@code
 * Sentinel}. The two differ on purpose, and the document says so in a member of its own, {@code
 * token_iss} (RFC 8414 §2 allows additional members), for verifiers that configure themselves from it.
 */
final class MetadataEndpoint {
  private final Supplier<String> baseUrl;
  private final AccountDirectory accounts;
  private final String tokenIssuer;

  MetadataEndpoint(Supplier<String> baseUrl, AccountDirectory accounts, String tokenIssuer) {
    this.baseUrl = baseUrl;
    this.accounts = accounts;
    this.tokenIssuer = tokenIssuer;
  }

  void server(RoutingContext ctx) {
    String base = baseUrl.get();
    Responses.json(ctx, 200, document(base, base + "/sentinel/api/account/{accountId}/app/token"));
  }

  void account(RoutingContext ctx) {
    String id = ctx.pathParam("accountId");
    if (accounts.find(id).isEmpty()) {
      throw new ApiException(ApiError.notFound("unknown account '" + SentinelEndpoint.printable(id) + "'"));
    }
    String issuer = baseUrl.get() + "/sentinel/api/account/" + id;
    Responses.json(ctx, 200, document(issuer, issuer + "/app/token"));
  }

  private JsonObject document(String issuer, String tokenEndpoint) {
    String base = baseUrl.get();
    JsonArray auth = new JsonArray().add("client_secret_basic").add("client_secret_post");
    return new JsonObject()
        .put("issuer", issuer)
        .put("token_endpoint", tokenEndpoint)
        .put("jwks_uri", base + "/.well-known/jwks.json")
        .put("grant_types_supported", new JsonArray().add("client_credentials"))
        .put("response_types_supported", new JsonArray())
        .put("token_endpoint_auth_methods_supported", auth)
        .put("scopes_supported", new JsonArray().add("msg.consumer"))
        .put("introspection_endpoint", base + "/oauth/introspect")
        .put("introspection_endpoint_auth_methods_supported", auth.copy())
        .put("token_endpoint_auth_signing_alg_values_supported", new JsonArray().add("RS256"))
        .put("token_iss", tokenIssuer);
  }
}
