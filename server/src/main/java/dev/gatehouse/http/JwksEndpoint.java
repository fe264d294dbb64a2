package dev.gatehouse.http;

import dev.gatehouse.keys.JwksDocument;
import dev.gatehouse.keys.SigningKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The JWKS: public keys of every published key, precomputed, with a real {@code Cache-Control:
 * max-age} and a strong {@code ETag}; {@code If-None-Match} gets a 304.
 */
final class JwksEndpoint {
  private final SigningKeys keys;
  private final String cacheControl;

  JwksEndpoint(SigningKeys keys, long maxAgeSeconds) {
    this.keys = keys;
    this.cacheControl = "public, max-age=" + maxAgeSeconds;
  }

  void get(RoutingContext ctx) {
    JwksDocument doc = keys.jwks();
    var r = ctx.response().putHeader("Cache-Control", cacheControl).putHeader("ETag", doc.etag());
    String inm = ctx.request().getHeader("If-None-Match");
    if (inm != null && (inm.equals(doc.etag()) || inm.contains(doc.etag()) || inm.trim().equals("*"))) {
      r.setStatusCode(304).end();
      return;
    }
    Responses.json(ctx, 200, Buffer.buffer(doc.bodyShared()));
  }
}
