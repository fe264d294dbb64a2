package dev.gatehouse.http;

import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.discovery.ServiceDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The Domain API: {@code GET /api/account/{accountId}/service/{service}/baseURI[.json]} and
 * {@code GET /api/account/{accountId}/service/baseURI[.json]}, {@code version} absent or 1.0.
 * Unknown account or service: 404.
 */
final class DomainEndpoint {
  private final AccountDirectory accounts;
  private final java.util.function.Supplier<ServiceDirectory> services;

  DomainEndpoint(AccountDirectory accounts, java.util.function.Supplier<ServiceDirectory> services) {
    this.accounts = accounts;
    this.services = services;
  }

  void one(RoutingContext ctx) {
    AccountId account = knownAccount(ctx);
    String service = ctx.pathParam("service");
    String host = services.get().host(service).orElseThrow(
        () -> new ApiException(ApiError.notFound("unknown service '" + SentinelEndpoint.printable(service) + "' (names are case sensitive)")));
    ctx.response().putHeader("Cache-Control", "max-age=300");
    Responses.json(ctx, 200, entry(service, account, host));
  }

  void all(RoutingContext ctx) {
    AccountId account = knownAccount(ctx);
    JsonArray list = new JsonArray();
    services.get().all().forEach((s, h) -> list.add(entry(s, account, h)));
    ctx.response().putHeader("Cache-Control", "max-age=300");
    Responses.json(ctx, 200, new JsonObject().put("baseURIs", list));
  }

  private AccountId knownAccount(RoutingContext ctx) {
    String version = Requests.single(Requests.query(ctx), "version");
    if (version != null && !version.equals("1.0") && !version.equals("1")) {
      throw new ApiException(ApiError.invalidRequest("version must be 1.0, got '" + SentinelEndpoint.printable(version) + "'"));
    }
    String raw = ctx.pathParam("accountId");
    if (!AccountId.isValid(raw) || accounts.find(raw).isEmpty()) {
      throw new ApiException(ApiError.notFound("unknown account '" + SentinelEndpoint.printable(raw) + "'"));
    }
    return new AccountId(raw);
  }

  private static JsonObject entry(String service, AccountId account, String host) {
    return new JsonObject().put("service", service).put("account", account.value()).put("baseURI", host);
  }
}
