package dev.gatehouse.http;

import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.discovery.ServiceDirectory;
import dev.gatehouse.keys.SigningKeys;
import dev.gatehouse.store.StoreException;
import dev.gatehouse.tokens.AppTokenIssuer;
import dev.gatehouse.tokens.AppTokenVerifier;
import dev.gatehouse.tokens.ConsumerTokenIssuer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The routes of the public API and the admin API, and the one place failures become responses. */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  /** Request bodies above this are refused with 413. */
  public static final int MAX_BODY = 16 * 1024;

  private HttpApi() {}

  /** What the routes need from the domain. */
  public record Parts(
      AccountDirectory accounts,
      AppDirectory apps,
      SigningKeys keys,
      AppTokenIssuer appTokens,
      AppTokenVerifier appTokenVerifier,
      ConsumerTokenIssuer consumerTokens,
      java.util.function.Supplier<ServiceDirectory> services,
      long jwksMaxAgeSeconds,
      BooleanSupplier ready,
      String signingProvider,
      String store,
      java.util.function.Supplier<String> publicBaseUrl,
      dev.gatehouse.issuance.MessagingAccess messagingAccess,
      dev.gatehouse.verifier.ConnectorRequestVerifier introspectionVerifier,
      String issuer,
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics,
      boolean accessLog,
      dev.gatehouse.audit.AuditLog audit,
      dev.gatehouse.consumers.ConsumerRegistry consumers,
      dev.gatehouse.keys.KeyRotation rotation,
      dev.gatehouse.cluster.ClusterSync sync,
      dev.gatehouse.issuance.CallerStanding standing,
      dev.gatehouse.issuance.AppTokenGrant appTokenGrant,
      dev.gatehouse.issuance.ConsumerTokenGrant consumerTokenGrant,
      dev.gatehouse.admin.AdminActions adminActions,
      dev.gatehouse.limits.AuthFailureLimits limits,
      java.util.List<String> trustedProxies,
      dev.gatehouse.operators.OperatorTokens operators,
      Sandbox sandbox) {
    @Override
    public String toString() {
      return "Parts[redacted]";
    }
  }

  /** The Send API sandbox's parts; null in {@link Parts} when the sandbox is off. */
  public record Sandbox(
      dev.gatehouse.sandbox.Conversations conversations,
      dev.gatehouse.sandbox.SandboxSettingsDirectory settings,
      dev.gatehouse.sandbox.DeliveryRepository deliveries) {}

  /** Which routes a listener serves. */
  public enum Side {
    /** Everything on one port (the default, and with {@code --admin-on-public-port}). */
    ALL,
    /** The public API and health, no admin API and no metrics (when the admin side has its own listener). */
    PUBLIC,
    /** The admin API, metrics and health. */
    ADMIN;

    boolean servesPublic() {
      return this != ADMIN;
    }

    boolean servesAdmin() {
      return this != PUBLIC;
    }
  }

  /** Everything on one router. */
  public static Router router(Vertx vertx, Parts p) {
    return router(vertx, p, Side.ALL);
  }

  public static Router router(Vertx vertx, Parts p, Side side) {
    Router r = Router.router(vertx);
    RawBody body = new RawBody(MAX_BODY);
    bindMetrics(p);
    SourceAddress sources = new SourceAddress(p.trustedProxies());
    r.route().handler(new HttpMetrics(p.metrics(), p.accessLog(), sources)::begin);
    if (side.servesAdmin()) {
      metricsRoute(vertx, p, r);
    }
    HealthEndpoints health = new HealthEndpoints(p.ready(), p.signingProvider(), p.store(), p.sync()::storeUp, p.standing()::isFresh,
        p.rotation()::canSign, p.rotation().keyLocation().startsWith("pkcs11:") ? "pkcs11" : "software");
    r.get("/health/live").handler(health::live);
    r.get("/health/ready").handler(health::ready);
    r.get("/health/ready/admin").handler(health::readyAdmin);
    r.get("/openapi.json").handler(new OpenApiEndpoint(side)::get);
    if (side.servesPublic()) {
      publicRoutes(vertx, p, r, body, sources);
    }
    if (side.servesAdmin()) {
      adminRoutes(vertx, p, r, body, sources);
    }
    failureHandlers(r);
    return r;
  }

  private static void metricsRoute(Vertx vertx, Parts p, Router r) {
    r.get("/metrics").handler(ctx -> vertx.executeBlocking(() -> p.metrics().scrape(), false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    }));
  }

  /**
   * The public routes, in an order that matters for speed only (no two of them match one path):
   * Vert.x tries routes in turn, and one with a path parameter costs a regular-expression match
   * (and its allocation) for every request that reaches it, whatever the method. So the fixed paths
   * come first (a string comparison each), then those with parameters by how often they are asked
   * for: a ConsumerJWS, an AppJWT, a SEND. Before, a /gateway/authorize passed seven such matches
   * and a SEND ten.
   */
  private static void publicRoutes(Vertx vertx, Parts p, Router r, RawBody body, SourceAddress sources) {
    GatewayEndpoint gateway = new GatewayEndpoint(p.messagingAccess());
    r.route(GatewayEndpoint.PREFIX).handler(gateway::authorize);
    r.route(GatewayEndpoint.PREFIX + "/*").handler(gateway::authorize);

    JwksEndpoint jwks = new JwksEndpoint(p.keys(), p.jwksMaxAgeSeconds());
    r.get("/.well-known/jwks.json").handler(jwks::get);
    r.get("/sentinel/well-known/jwks").handler(jwks::get);

    IntrospectionEndpoint introspection = new IntrospectionEndpoint(p.introspectionVerifier(), p.apps(), p.operators(), p.issuer(), p.standing(), p.limits(), sources);
    r.post("/oauth/introspect").handler(body).handler(introspection::introspect);

    MetadataEndpoint metadata = new MetadataEndpoint(p.publicBaseUrl(), p.accounts(), p.issuer());
    r.get("/.well-known/oauth-authorization-server").handler(metadata::server);

    IdpEndpoint idp = new IdpEndpoint(vertx, p.consumerTokenGrant(), tokensIssued(p, "consumer_jws"));
    r.post("/api/account/:accountId/consumer").handler(body).handler(idp::consumer);

    SentinelEndpoint sentinel = new SentinelEndpoint(vertx, p.appTokenGrant(), tokensIssued(p, "app_jwt"), sources);
    r.post("/sentinel/api/account/:accountId/app/token").handler(body).handler(sentinel::tokenV1);

    if (p.sandbox() != null) {
      SendApiEndpoints sendApi = new SendApiEndpoints(vertx, p.messagingAccess(), p.sandbox().conversations(), p.sandbox().settings(), p.metrics());
      r.post("/api/account/:accountId/messaging/consumer/conversation/send").handler(body).handler(sendApi::send);
      r.post("/api/account/:accountId/messaging/consumer/conversation").handler(body).handler(sendApi::conversation);
    }

    DomainEndpoint domain = new DomainEndpoint(p.accounts(), p.services());
    r.get("/api/account/:accountId/service/:service/baseURI.json").handler(domain::one);
    r.get("/api/account/:accountId/service/:service/baseURI").handler(domain::one);
    r.get("/api/account/:accountId/service/baseURI.json").handler(domain::all);
    r.get("/api/account/:accountId/service/baseURI").handler(domain::all);

    r.post("/sentinel/api/v2/account/:accountId/app/token").handler(body).handler(sentinel::tokenV2);
    r.get("/.well-known/oauth-authorization-server/sentinel/api/account/:accountId").handler(metadata::account);
    // the OpenID-style placement (issuer path first), which many client libraries use
    r.get("/sentinel/api/account/:accountId/.well-known/oauth-authorization-server").handler(metadata::account);
  }

  /** {@code gatehouse_tokens_issued_total} of one kind of token (the console and the token rate read them by that name). */
  private static io.micrometer.core.instrument.Counter tokensIssued(Parts p, String kind) {
    return io.micrometer.core.instrument.Counter.builder("gatehouse.tokens.issued").tag("kind", kind).description("Tokens issued").register(p.metrics());
  }

  private static void adminRoutes(Vertx vertx, Parts p, Router r, RawBody body, SourceAddress sources) {
    AdminRequests adminRequests = new AdminRequests(vertx, p.accounts());
    AdminEndpoints admin = new AdminEndpoints(vertx, p.operators(), p.accounts(), p.apps(), p.adminActions(), adminRequests, p.limits(), sources);
    AdminLockoutEndpoints lockouts = new AdminLockoutEndpoints(adminRequests, p.limits(), p.adminActions());
    AdminTokenEndpoints tokens = new AdminTokenEndpoints(adminRequests, p.adminActions(), p.operators());
    AdminConsumerEndpoints adminConsumers = new AdminConsumerEndpoints(adminRequests, p.adminActions(), p.consumers());
    AdminKeyEndpoints adminKeys = new AdminKeyEndpoints(adminRequests, p.adminActions(), p.rotation(), p.audit());
    new ConsoleEndpoints(vertx, p, sources).routes(r, body);
    r.route("/admin/*").handler(admin::authenticate);
    // an account or app made through another node a moment ago may not have reached this one yet
    r.route("/admin/v1/accounts/:accountId").handler(admin::catchUp);
    r.route("/admin/v1/accounts/:accountId/*").handler(admin::catchUp);
    r.post("/admin/v1/accounts").handler(body).handler(admin::createAccount);
    r.get("/admin/v1/accounts").handler(admin::listAccounts);
    r.get("/admin/v1/audit").handler(adminKeys::listAudit);
    r.get("/admin/v1/lockouts").handler(lockouts::list);
    r.post("/admin/v1/tokens").handler(body).handler(tokens::create);
    r.get("/admin/v1/tokens").handler(tokens::list);
    r.delete("/admin/v1/tokens/:id").handler(tokens::revoke);
    r.delete("/admin/v1/lockouts").handler(lockouts::lift);
    r.get("/admin/v1/keys").handler(adminKeys::listKeys);
    r.post("/admin/v1/keys/rotate").handler(body).handler(adminKeys::rotateKey);
    r.post("/admin/v1/keys/:kid/retire").handler(body).handler(adminKeys::retireKey);
    r.get("/admin/v1/accounts/:accountId").handler(admin::getAccount);
    r.post("/admin/v1/accounts/:accountId/apps").handler(body).handler(admin::createApp);
    r.get("/admin/v1/accounts/:accountId/apps").handler(admin::listApps);
    r.get("/admin/v1/accounts/:accountId/apps/:clientId").handler(admin::getApp);
    r.post("/admin/v1/accounts/:accountId/apps/:clientId/disable").handler(admin::disableApp);
    r.post("/admin/v1/accounts/:accountId/apps/:clientId/enable").handler(admin::enableApp);
    r.post("/admin/v1/accounts/:accountId/apps/:clientId/rotate-secret").handler(body).handler(admin::rotateSecret);
    r.get("/admin/v1/accounts/:accountId/consumers").handler(adminConsumers::listConsumers);
    r.get("/admin/v1/accounts/:accountId/consumers/:lp").handler(adminConsumers::getConsumer);
    r.post("/admin/v1/accounts/:accountId/consumers/:lp/revoke").handler(adminConsumers::revokeConsumer);
    r.post("/admin/v1/accounts/:accountId/consumers/:lp/restore").handler(adminConsumers::restoreConsumer);
    r.delete("/admin/v1/accounts/:accountId/consumers/:lp").handler(adminConsumers::eraseConsumer);
    Sandbox sb = p.sandbox();
    AdminSandboxEndpoints sandbox = new AdminSandboxEndpoints(adminRequests, p.adminActions(), sb == null ? null : sb.conversations(),
        sb == null ? null : sb.settings(), sb == null ? null : sb.deliveries());
    r.put("/admin/v1/accounts/:accountId/apps/:clientId/webhooks").handler(body).handler(sandbox::setWebhooks);
    r.delete("/admin/v1/accounts/:accountId/apps/:clientId/webhooks").handler(sandbox::removeWebhooks);
    if (sb != null) {
      r.get("/admin/v1/accounts/:accountId/conversations").handler(sandbox::listConversations);
      r.get("/admin/v1/accounts/:accountId/conversations/:conversationId").handler(sandbox::getConversation);
      r.post("/admin/v1/accounts/:accountId/conversations/:conversationId/agent-messages").handler(body).handler(sandbox::agentMessage);
      r.get("/admin/v1/accounts/:accountId/sandbox").handler(sandbox::getSettings);
      r.put("/admin/v1/accounts/:accountId/sandbox").handler(body).handler(sandbox::putSettings);
      r.get("/admin/v1/accounts/:accountId/webhook-deliveries").handler(sandbox::listDeliveries);
    }

  }

  private static void failureHandlers(Router r) {
    r.route().failureHandler(HttpApi::failure);
    r.errorHandler(404, ctx -> Responses.error(ctx, ApiError.notFound("no such endpoint: " + ctx.request().method() + " " + SentinelEndpoint.printable(ctx.request().path()))));
    r.errorHandler(405, ctx -> Responses.error(ctx, ApiError.of(405, "method_not_allowed", "method " + ctx.request().method() + " is not allowed on " + SentinelEndpoint.printable(ctx.request().path()))));
    r.errorHandler(413, ctx -> Responses.error(ctx, ApiError.of(413, "request_too_large", "request body is larger than " + MAX_BODY + " bytes")));
    r.errorHandler(500, HttpApi::failure);
  }

  private static void bindMetrics(Parts p) {
    var reg = p.metrics();
    io.micrometer.core.instrument.Gauge.builder("gatehouse.signing.provider", () -> 1)
        .description("The RSA provider in use").tag("provider", p.signingProvider()).register(reg);
    io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(reg, p.consumerTokens().cache(), "consumer_jws");
    io.micrometer.core.instrument.Gauge.builder("gatehouse.consumer.records.queued", p.consumers(), c -> c.queued())
        .description("Consumer records waiting for the store").register(reg);
    io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.consumer.records.written", p.consumers(), c -> c.written())
        .description("Consumer records written to the store").register(reg);
    io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.consumer.records.rejected", p.consumers(), c -> c.rejected())
        .description("Consumer records the store refused for good (data errors), set aside").register(reg);
    io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.consumer.records.dropped", p.consumers(), c -> c.dropped())
        .description("Consumer records dropped because the queue was full").register(reg);
    io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(reg, p.appTokenVerifier().cache(), "verified_app_jwt");
  }

  static void failure(RoutingContext ctx) {
    Throwable f = ctx.failure();
    if (f instanceof ApiException e) {
      Responses.error(ctx, e.error);
    } else if (f instanceof dev.gatehouse.accounts.AccountDirectory.DuplicateAccountException e) {
      Responses.error(ctx, ApiError.of(409, "conflict", e.getMessage()));
    } else if (f instanceof IllegalStateException e && ctx.request().path().startsWith("/admin/")) {
      Responses.error(ctx, ApiError.of(409, "conflict", e.getMessage()));
    } else if (f instanceof IllegalArgumentException e) {
      Responses.error(ctx, ApiError.invalidRequest(e.getMessage()));
    } else if (f instanceof dev.gatehouse.keys.SigningUnavailableException e) {
      LOG.warn("signing unavailable on {} {}: {}", ctx.request().method(), ctx.request().path(), e.getMessage());
      Responses.error(ctx, new ApiError(503, "temporarily_unavailable", "the signing key cannot be used right now; try again shortly",
          java.util.Map.of("Retry-After", "5")));
    } else if (f instanceof dev.gatehouse.issuance.CallerStanding.StaleViewException e) {
      Responses.error(ctx, new ApiError(503, "temporarily_unavailable", e.getMessage(), java.util.Map.of("Retry-After", "30")));
    } else if (f instanceof StoreException e && e.busy()) {
      Responses.error(ctx, new ApiError(503, "temporarily_unavailable", e.getMessage(), java.util.Map.of("Retry-After", "1")));
    } else if (f instanceof StoreException e) {
      LOG.error("store failure on {} {}: {}", ctx.request().method(), ctx.request().path(), e.getMessage());
      Responses.error(ctx, new ApiError(503, "store_unavailable",
          "the database cannot be reached, so this cannot be done now (tokens are still issued); try again later",
          java.util.Map.of("Retry-After", "5")));
    } else if (f == null && ctx.statusCode() == 413) {
      Responses.error(ctx, ApiError.of(413, "request_too_large", "request body is larger than " + MAX_BODY + " bytes"));
    } else if (f == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Responses.error(ctx, ApiError.of(ctx.statusCode(), "invalid_request", "the request could not be read"));
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), f);
      Responses.error(ctx, ApiError.of(500, "server_error", "internal error; the server log has details"));
    }
  }
}
