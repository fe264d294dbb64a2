package dev.gatehouse.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * Vert.x' HTTP/1.x request decoder with strict message framing (RFC 9112 §6): a request whose
 * length is ambiguous is marked invalid, so Vert.x answers 400 and closes the connection, and no
 * byte after it on that connection is read. Ambiguous means:
 *
 * <ul>
 *   <li>{@code Content-Length} together with {@code Transfer-Encoding} (§6.1). Netty would frame it
 *       by the transfer coding and drop the length; a front proxy that framed it by the length
 *       would see a second, smuggled request in the body.
 *   <li>{@code Transfer-Encoding} that is not exactly one {@code chunked}, or on HTTP/1.0 (§6.1).
 *   <li>{@code Content-Length} that is not one run of digits, or given twice (§6.3).
 * </ul>
 *
 * Installed per connection by {@link ConnectionGuard} in place of the decoder Vert.x put there.
 * Not thread-safe (one per connection, as every Netty decoder).
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private boolean refused;

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new IllegalArgumentException("Content-Length and Transfer-Encoding in one request");
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (refused) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    int from = out.size();
    super.decode(ctx, buffer, out);
    for (int i = from; i < out.size(); i++) {
      if (out.get(i) instanceof HttpRequest req) {
        if (req.decoderResult().isFailure()) {
          refuse(buffer, out, i);
          return;
        }
        String problem = framingProblem(req);
        if (problem != null) {
          req.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
          refuse(buffer, out, i);
          return;
        }
      }
    }
  }

  /** Keeps the invalid request for Vert.x to answer and drops everything after it. */
  private void refuse(ByteBuf buffer, List<Object> out, int invalid) {
    refused = true;
    while (out.size() > invalid + 1) {
      Object dropped = out.remove(out.size() - 1);
      io.netty.util.ReferenceCountUtil.release(dropped);
    }
    buffer.skipBytes(buffer.readableBytes());
  }

  static String framingProblem(HttpRequest req) {
    HttpHeaders h = req.headers();
    List<String> te = h.getAll("Transfer-Encoding");
    if (!te.isEmpty()) {
      if (!HttpVersion.HTTP_1_1.equals(req.protocolVersion())) {
        return "Transfer-Encoding is not allowed in an HTTP/1.0 request";
      }
      if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
        return "Transfer-Encoding must be exactly chunked";
      }
    }
    List<String> cl = h.getAll("Content-Length");
    if (cl.size() > 1) {
      return "Content-Length is given more than once";
    }
    if (cl.size() == 1) {
      String v = cl.get(0);
      if (v.isEmpty() || v.length() > 18) {
        return "Content-Length is not a length";
      }
      for (int i = 0; i < v.length(); i++) {
        if (v.charAt(i) < '0' || v.charAt(i) > '9') {
          return "Content-Length is not a length";
        }
      }
    }
    return null;
  }
}
