package dev.gatehouse.tokens;

/**
 * Writes a flat JSON object of string and number members in the order given (RFC 8259), for
 * token payloads: the documented claim order is kept, and nothing is allocated beyond one
 * builder. Not thread-safe; one per payload.
 */
final class ClaimsJson {
  private final StringBuilder b = new StringBuilder(256).append('{');

  ClaimsJson put(String name, String value) {
    member(name);
    b.append('"');
    escape(value);
    b.append('"');
    return this;
  }

  ClaimsJson put(String name, long value) {
    member(name);
    b.append(value);
    return this;
  }

  private void member(String name) {
    if (b.length() > 1) {
      b.append(',');
    }
    b.append('"').append(name).append("\":");
  }

  private void escape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
  }

  String json() {
    return b.append('}').toString();
  }
}
