package dev.gatehouse.verifier;

import java.util.HashMap;
import java.util.Map;

/**
 * A strict, small parser for the JSON objects in a JWS header and payload (RFC 8259): members
 * whose values are strings, numbers, booleans or null come back as {@code String}, {@code Long} /
 * {@code Double}, {@code Boolean} or {@link #NULL}; nested objects and arrays are checked and come
 * back as {@link #NESTED}. Duplicate member names are refused (RFC 7519 §4). It exists because a
 * general JSON library cost as much per token as the RSA check of a cold token with a fast
 * provider; it is used only on data that is then signature-checked.
 *
 * <p>Stateless apart from one parse; not thread-safe per instance, use {@link #parse}.
 */
final class FlatJson {
  static final Object NESTED = new Object();
  static final Object NULL = new Object();

  private final String s;
  private int i;

  private FlatJson(String s) {
    this.s = s;
  }

  /** @throws IllegalArgumentException if the text is not one JSON object */
  static Map<String, Object> parse(String text) {
    FlatJson p = new FlatJson(text);
    p.ws();
    Map<String, Object> m = p.object(true);
    p.ws();
    if (p.i != text.length()) {
      throw new IllegalArgumentException("trailing data after the JSON object");
    }
    return m;
  }

  private Map<String, Object> object(boolean keep) {
    expect('{');
    Map<String, Object> m = keep ? new HashMap<>(16) : null;
    ws();
    if (peek() == '}') {
      i++;
      return m;
    }
    while (true) {
      ws();
      String name = string();
      ws();
      expect(':');
      ws();
      Object v = value();
      if (keep && m.put(name, v) != null) {
        throw new IllegalArgumentException("duplicate member " + name);
      }
      ws();
      char c = next();
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected , or } at " + (i - 1));
      }
    }
  }

  private Object value() {
    char c = peek();
    switch (c) {
      case '"':
        return string();
      case '{':
        object(false);
        return NESTED;
      case '[':
        array();
        return NESTED;
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return NULL;
      default:
        return number();
    }
  }

  private void array() {
    expect('[');
    ws();
    if (peek() == ']') {
      i++;
      return;
    }
    while (true) {
      ws();
      value();
      ws();
      char c = next();
      if (c == ']') {
        return;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected , or ] at " + (i - 1));
      }
    }
  }

  private String string() {
    expect('"');
    int start = i;
    StringBuilder b = null;
    while (true) {
      char c = next();
      if (c == '"') {
        return b == null ? s.substring(start, i - 1) : b.toString();
      }
      if (c < 0x20) {
        throw new IllegalArgumentException("control character in a string");
      }
      if (c == '\\') {
        if (b == null) {
          b = new StringBuilder(s.substring(start, i - 1));
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw new IllegalArgumentException("short \\u escape");
            }
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> throw new IllegalArgumentException("bad escape \\" + e);
        }
      } else if (b != null) {
        b.append(c);
      }
    }
  }

  private Object number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    boolean fraction = false;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        i++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        fraction = true;
        i++;
      } else {
        break;
      }
    }
    String t = s.substring(start, i);
    if (t.isEmpty() || t.equals("-")) {
      throw new IllegalArgumentException("expected a value at " + start);
    }
    try {
      return fraction ? (Object) Double.parseDouble(t) : (Object) Long.parseLong(t);
    } catch (NumberFormatException e) {
      return Double.parseDouble(t); // too long for a long, or malformed: let it throw then
    }
  }

  private void literal(String word) {
    if (!s.startsWith(word, i)) {
      throw new IllegalArgumentException("expected " + word + " at " + i);
    }
    i += word.length();
  }

  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else {
        return;
      }
    }
  }

  private char peek() {
    if (i >= s.length()) {
      throw new IllegalArgumentException("unexpected end of JSON");
    }
    return s.charAt(i);
  }

  private char next() {
    char c = peek();
    i++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
    }
  }
}
