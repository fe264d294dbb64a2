package dev.gatehouse.consumers;

/**
 * The connector's own id for a consumer ({@code ext_consumer_id}). It may be personal data (a
 * phone number), so it is never logged.
 *
 * <p>The rule: 1 to {@value #MAX_LENGTH} Unicode scalar values (code points that are not
 * surrogates; an astral character counts once), none of them a control character: U+0000-U+001F,
 * U+007F-U+009F. Nothing is normalized or trimmed: two strings that differ in any code point are
 * two consumers, and because each accepted string has exactly one UTF-8 encoding, they get two
 * {@code lp_consumer_id}s. (A lone surrogate has no UTF-8 encoding; encoders replace it with
 * {@code ?} or U+FFFD, which is how two ids could become one, so it is refused.)
 */
public final class ExtConsumerId {
  public static final int MAX_LENGTH = 256;

  private ExtConsumerId() {}

  /** @return null if valid, else what is wrong with it (naming the field, never echoing the value) */
  public static String problem(String value) {
    if (value.isEmpty()) {
      return "ext_consumer_id is empty";
    }
    int lone = dev.gatehouse.verifier.UnicodeText.loneSurrogate(value);
    if (lone >= 0) {
      return "ext_consumer_id holds an unpaired surrogate at character " + (value.codePointCount(0, lone) + 1) + "; it must be Unicode text";
    }
    int chars = 0;
    for (int i = 0; i < value.length(); i = value.offsetByCodePoints(i, 1)) {
      int c = value.codePointAt(i);
      if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
        return "ext_consumer_id holds the control character U+" + String.format("%04X", c) + " at character " + (chars + 1);
      }
      chars++;
    }
    if (chars > MAX_LENGTH) {
      return "ext_consumer_id is " + chars + " characters long; at most " + MAX_LENGTH + " allowed";
    }
    return null;
  }
}
