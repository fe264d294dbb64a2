package dev.gatehouse.verifier;

/**
 * A refused request: the Send API error code and a {@code details} text that names what was
 * wrong (never a token). {@link #toJson()} renders the exact 401 body clients expect:
 *
 * <pre>{"kind":"resp","code":401,"body":{"title":"Invalid AppJWT","details":"...","errorCode":40102},"type":".ReqBody$ErrorResp"}</pre>
 */
public record Rejection(ErrorCode error, String details) implements Verification {
  /** Always 401: every authorization failure of the Send API is. */
  public int httpStatus() {
    return 401;
  }

  public int errorCode() {
    return error.code();
  }

  public String title() {
    return error.title();
  }

  public String toJson() {
    return "{\"kind\":\"resp\",\"code\":401,\"body\":{\"title\":\"" + escape(error.title()) + "\",\"details\":\""
        + escape(details) + "\",\"errorCode\":" + error.code() + "},\"type\":\".ReqBody$ErrorResp\"}";
  }

  /** JSON string escaping (RFC 8259 §7); non-ASCII is escaped too so the body is also header-safe. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7E) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
