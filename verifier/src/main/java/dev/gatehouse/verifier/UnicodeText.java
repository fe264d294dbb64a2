package dev.gatehouse.verifier;

/**
 * Whether a Java string is Unicode text: no lone surrogate (a high surrogate without the low one
 * after it, or a low one without the high one before it). Such a string has no UTF-8 encoding;
 * encoders replace the surrogate with {@code ?} or U+FFFD, so two different strings would become
 * one (RFC 8259 §8.2, RFC 3629 §3). The one statement of the rule, for the token reader and the
 * server's request reading alike. Stateless.
 */
public final class UnicodeText {
  private UnicodeText() {}

  /** @return the index of the first lone surrogate, or -1 when there is none */
  public static int loneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
