package dev.gatehouse.http;

import dev.gatehouse.accounts.AccountId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading parts of a request, each failure an {@link ApiException} that names the part at fault. */
final class Requests {
  private Requests() {}

  static AccountId pathAccount(RoutingContext ctx) {
    String raw = ctx.pathParam("accountId");
    if (!AccountId.isValid(raw)) {
      throw new ApiException(ApiError.invalidRequest(AccountId.describeInvalid(raw) + " (path)"));
    }
    return new AccountId(raw);
  }

  static Map<String, List<String>> query(RoutingContext ctx) {
    return FormParams.parse(ctx.request().query());
  }

  /** The single value of a query parameter, or null; two different values are an error. */
  static String single(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    if (v == null) {
      return null;
    }
    String first = v.get(0);
    for (String s : v) {
      if (!s.equals(first)) {
        throw new ApiException(ApiError.invalidRequest("parameter " + name + " is given more than once with different values"));
      }
    }
    return first;
  }

  static Buffer body(RoutingContext ctx) {
    return RawBody.of(ctx);
  }

  /** The media type without parameters, lowercased; null if absent. */
  static String mediaType(RoutingContext ctx) {
    String ct = ctx.request().getHeader("Content-Type");
    if (ct == null || ct.isBlank()) {
      return null;
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  static boolean isJson(String mediaType) {
    return mediaType != null && (mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json")));
  }

  /**
   * The body as text: strict UTF-8 (RFC 3629), so overlong forms, encoded surrogates and stray
   * bytes are a 400, never decoded into other characters.
   */
  static String text(RoutingContext ctx) {
    return strictUtf8(body(ctx).getBytes(), "request body");
  }

  /** @throws ApiException 400 naming {@code what} when the bytes are not UTF-8 */
  static String strictUtf8(byte[] bytes, String what) {
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ApiException(ApiError.invalidRequest(what + " is not valid UTF-8"));
    }
  }

  /** The body as a JSON object (strict UTF-8, at most 64 levels deep). */
  static JsonObject jsonObject(RoutingContext ctx) {
    Buffer buf = body(ctx);
    if (buf.length() == 0) {
      throw new ApiException(ApiError.invalidRequest("request body is empty; a JSON object is required"));
    }
    String text = text(ctx);
    Object v;
    try {
      v = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new ApiException(ApiError.invalidRequest("request body is not valid JSON"));
    }
    if (!(v instanceof JsonObject o)) {
      throw new ApiException(ApiError.invalidRequest("request body must be a JSON object"));
    }
    return o;
  }

  /** A required string member of a JSON object, with a message for every wrong shape. */
  static String requiredString(JsonObject o, String field) {
    if (!o.containsKey(field)) {
      throw new ApiException(ApiError.invalidRequest(field + " is missing"));
    }
    Object v = o.getValue(field);
    if (v == null) {
      throw new ApiException(ApiError.invalidRequest(field + " is null; it must be a string"));
    }
    if (!(v instanceof String s)) {
      throw new ApiException(ApiError.invalidRequest(field + " must be a string, got " + jsonType(v)));
    }
    return scalarValues(field, s);
  }

  /**
   * Refuses a string with a lone surrogate (an escaped high or low surrogate without its pair): it is no
   * Unicode text, and encoders turn it into {@code ?} or U+FFFD, so two such strings could become
   * one.
   */
  static String scalarValues(String field, String s) {
    int at = dev.gatehouse.verifier.UnicodeText.loneSurrogate(s);
    if (at >= 0) {
      throw new ApiException(ApiError.invalidRequest(field + " holds an unpaired surrogate (\\u" + Integer.toHexString(s.charAt(at))
          + "); it must be Unicode text"));
    }
    return s;
  }

  /** An optional string member; null when absent or null. */
  static String optionalString(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ApiException(ApiError.invalidRequest(field + " must be a string, got " + jsonType(v)));
    }
    return scalarValues(field, s);
  }

  static String jsonType(Object v) {
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof io.vertx.core.json.JsonArray) {
      return "an array";
    }
    return "a " + v.getClass().getSimpleName();
  }
}
