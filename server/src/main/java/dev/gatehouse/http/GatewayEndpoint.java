package dev.gatehouse.http;

import dev.gatehouse.issuance.MessagingAccess;
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

  private final MessagingAccess access;

  GatewayEndpoint(MessagingAccess access) {
    this.access = access;
  }

  void authorize(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    java.util.List<String> originals = req.headers().getAll(ORIGINAL_URI);
    // the raw request path (Envoy appends the original path to the prefix): not req.path(), which
    // Vert.x has already normalized, and whose dot segments are exactly what must be refused
    String raw = req.uri();
    int q = raw.indexOf('?');
    String rawPath = q < 0 ? raw : raw.substring(0, q);
    String path = originals.size() == 1 ? originals.get(0)
        : originals.isEmpty() && rawPath.startsWith(PREFIX) ? rawPath.substring(PREFIX.length()) : null;
    Verification v = access.check(path, req.headers()::getAll);
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
