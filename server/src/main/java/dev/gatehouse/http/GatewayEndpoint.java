package dev.gatehouse.http;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.verifier.ConnectorRequestVerifier;
import dev.gatehouse.verifier.ErrorCode;
import dev.gatehouse.verifier.Identity;
import dev.gatehouse.verifier.Rejection;
import dev.gatehouse.verifier.Verification;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * The authorization check a reverse proxy makes before it forwards a Connector API messaging
 * request: {@code /gateway/authorize}, any method.
 *
 * <ul>
 *   <li>nginx {@code auth_request}: the proxy passes the original URI in {@value #ORIGINAL_URI}
 *       (set with {@code proxy_set_header}, so a client cannot forge it); the request's own headers
 *       come along.
 *   <li>Envoy HTTP {@code ext_authz}: with {@code path_prefix: /gateway/authorize} the original
 *       path follows the prefix.
 * </ul>
 *
 * The account comes only from the original URI ({@code /api/account/{id}/...}), never from a
 * header a client could set. 200 carries the identity in {@code X-Gatehouse-*} headers for the
 * proxy to forward; 401 carries the Send API error body, and the same JSON in {@code
 * X-Gatehouse-Error} because nginx does not pass an auth response's body on. Unlike the offline
 * library this knows the store: a disabled app or a revoked consumer is refused at once.
 */
final class GatewayEndpoint {
  static final String PREFIX = "/gateway/authorize";
  static final String ORIGINAL_URI = "X-Original-URI";

  private final ConnectorRequestVerifier verifier;
  private final AppDirectory apps;
  private final dev.gatehouse.consumers.ConsumerRegistry consumers;

  GatewayEndpoint(ConnectorRequestVerifier verifier, AppDirectory apps, dev.gatehouse.consumers.ConsumerRegistry consumers) {
    this.verifier = verifier;
    this.apps = apps;
    this.consumers = consumers;
  }

  void authorize(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String original = req.getHeader(ORIGINAL_URI);
    String path = original != null ? original : req.path().substring(Math.min(PREFIX.length(), req.path().length()));
    Verification v = verifier.verify(ConnectorRequestVerifier.accountFromPath(path), req.headers()::get);
    if (v instanceof Identity id) {
      ClientId clientId = ClientId.parseOrNull(id.clientId());
      App app = clientId == null ? null : apps.find(clientId).orElse(null);
      if (app == null || !app.accountId().value().equals(id.accountId())) {
        v = new Rejection(ErrorCode.INVALID_APP_JWT, "the app this AppJWT was issued to no longer exists");
      } else if (!app.enabled()) {
        v = new Rejection(ErrorCode.INVALID_APP_JWT, "the app this AppJWT was issued to is disabled");
      } else if (consumers.isRevoked(id.accountId(), id.lpConsumerId())) {
        v = new Rejection(ErrorCode.INVALID_CONSUMER_JWS, "the consumer of this ConsumerJWS is revoked");
      }
    }
    HttpServerResponse r = ctx.response().putHeader("Cache-Control", "no-store");
    if (v instanceof Identity id) {
      r.putHeader("X-Gatehouse-Account", id.accountId())
          .putHeader("X-Gatehouse-Client-Id", id.clientId())
          .putHeader("X-Gatehouse-Lp-Consumer-Id", id.lpConsumerId())
          .putHeader("X-Gatehouse-Ext-Consumer-Id", headerSafe(id.extConsumerId()))
          .setStatusCode(200)
          .end();
      return;
    }
    Rejection no = (Rejection) v;
    String json = no.toJson();
    r.putHeader("X-Gatehouse-Error", json)
        .putHeader("Content-Type", Responses.JSON)
        .setStatusCode(no.httpStatus())
        .end(json);
  }

  /** Percent-encodes what may not stand in a header value: non-ASCII, controls and '%' itself (RFC 3986 §2.1). */
  static String headerSafe(String s) {
    byte[] bytes = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '%') {
        bytes = s.getBytes(StandardCharsets.UTF_8);
        break;
      }
    }
    if (bytes == null) {
      return s;
    }
    StringBuilder b = new StringBuilder(bytes.length + 16);
    for (byte x : bytes) {
      int u = x & 0xFF;
      if (u < 0x20 || u > 0x7E || u == '%') {
        b.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16))).append(Character.toUpperCase(Character.forDigit(u & 15, 16)));
      } else {
        b.append((char) u);
      }
    }
    return b.toString();
  }
}
