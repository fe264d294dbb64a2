package dev.gatehouse.verifier;

import java.util.HashMap;
import java.util.Map;

/**
 * A strict, small parser for the JSON objects in a JWS header and payload (RFC 8259): members
 * whose values are strings, numbers, booleans or null come back as {@code String}, {@code Long} /
 * {@code Double}, {@code Boolean} or {@link #NULL}; nested objects and arrays are checked and come
 * back as {@link #NESTED}. Duplicate member names are refused (RFC 7519 §4), and so are nesting
 * deeper than {@value #MAX_DEPTH} levels, numbers outside the RFC 8259 §6 grammar, backslash-u
 * escapes that are not four hex digits, and strings holding a lone surrogate (§8.2): what is not
 * refused has one meaning. The parser recurses at most {@value #MAX_DEPTH} deep, so no input can
 * exhaust the stack. It exists because a
 * general JSON library cost as much per token as the RSA check of a cold token with a fast
 * provider; it is used only on data that is then signature-checked.
 *
 * <p>Stateless apart from one parse; not thread-safe per instance, use {@link #parse}.
 */
final class FlatJson {
  static final Object NESTED = new Object();
  static final Object NULL = new Object();
  /** Objects and arrays nested deeper than this are refused. */
  static final int MAX_DEPTH = 16;

  private final String s;
  private int i;
  private int depth;

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

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private Map<String, Object> object(boolean keep) {
    expect('{');
    enter();
    Map<String, Object> m = keep ? new HashMap<>(16) : null;
    ws();
    if (peek() == '}') {
      i++;
      depth--;
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
        depth--;
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
    enter();
    ws();
    if (peek() == ']') {
      i++;
      depth--;
      return;
    }
    while (true) {
      ws();
      value();
      ws();
      char c = next();
      if (c == ']') {
        depth--;
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
        String out = b == null ? s.substring(start, i - 1) : b.toString();
        if (b != null) {
          requireScalarValues(out);
        }
        return out;
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
            int u = 0;
            for (int k = 0; k < 4; k++) {
              int d = Character.digit(s.charAt(i + k), 16);
              if (d < 0 || s.charAt(i + k) > 'f') {
                throw new IllegalArgumentException("\\u escape is not four hex digits");
              }
              u = u * 16 + d;
            }
            b.append((char) u);
            i += 4;
          }
          default -> throw new IllegalArgumentException("bad escape \\" + e);
        }
      } else if (b != null) {
        b.append(c);
      }
    }
  }

  /** RFC 8259 §6: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
  private Object number() {
    int start = i;
    if (i < s.length() && s.charAt(i) == '-') {
      i++;
    }
    if (i < s.length() && s.charAt(i) == '0') {
      i++;
    } else if (digits() == 0) {
      throw new IllegalArgumentException("expected a value at " + start);
    }
    boolean integer = true;
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      integer = false;
      if (digits() == 0) {
        throw new IllegalArgumentException("no digits after the decimal point at " + i);
      }
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      integer = false;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      if (digits() == 0) {
        throw new IllegalArgumentException("no digits in the exponent at " + i);
      }
    }
    String t = s.substring(start, i);
    if (integer && t.length() <= 18) {
      return Long.parseLong(t);
    }
    double d = Double.parseDouble(t);
    if (Double.isInfinite(d)) {
      throw new IllegalArgumentException("number out of range at " + start);
    }
    return d;
  }

  private int digits() {
    int from = i;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }

  /** Refuses a lone surrogate, which no UTF-8 text can hold ({@link UnicodeText}). */
  static void requireScalarValues(String v) {
    if (UnicodeText.loneSurrogate(v) >= 0) {
      throw new IllegalArgumentException("string holds a lone surrogate");
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
