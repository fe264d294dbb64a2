package dev.gatehouse.verifier;

/**
 * Writes JSON string literals (RFC 8259 §7) in ASCII only: quotes, backslashes and controls are
 * escaped, and so is everything above U+007E, as {@code \\uXXXX} (a pair for a supplementary
 * character). The result is the same bytes in every charset, so it may stand in a header, and a
 * receiver that hashes the body as ASCII (as some webhook receivers do) sees the bytes that were
 * signed.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    quote(b, s);
    return b.toString();
  }

  /** Appends {@code s} as a JSON string literal, quotes included. */
  public static StringBuilder quote(StringBuilder b, String s) {
    b.append('"');
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
            b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"');
  }

  /**
   * Escapes every character above U+007E in JSON text as {@code \\uXXXX}. Outside string literals
   * JSON has only ASCII, so this keeps the value and makes the text ASCII.
   */
  public static String asciiOnly(String json) {
    int i = 0;
    while (i < json.length() && json.charAt(i) <= 0x7E) {
      i++;
    }
    if (i == json.length()) {
      return json;
    }
    StringBuilder b = new StringBuilder(json.length() + 16).append(json, 0, i);
    for (; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c > 0x7E) {
        b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
