package dev.gatehouse.verifier;

/**
 * Canonical unpadded base64url (RFC 7515 §2, RFC 4648 §5): only {@code A-Z a-z 0-9 - _}, no
 * padding, no whitespace, and the unused low bits of the last character zero (RFC 4648 §3.5). The
 * JDK's decoder accepts padding and non-zero trailing bits, so one token would have several
 * spellings that all verify; here each byte string has exactly one.
 */
final class Base64Url {
  private static final java.util.Base64.Decoder DECODER = java.util.Base64.getUrlDecoder();

  private Base64Url() {}

  /** @throws IllegalArgumentException if {@code s[from, to)} is not canonical unpadded base64url */
  static byte[] decode(String s, int from, int to) {
    int n = to - from;
    if (n % 4 == 1) {
      throw new IllegalArgumentException("base64url length " + n + " is impossible");
    }
    int last = 0;
    for (int i = from; i < to; i++) {
      last = value(s.charAt(i));
      if (last < 0) {
        throw new IllegalArgumentException("not a base64url character at " + i);
      }
    }
    if ((n % 4 == 2 && (last & 0x0F) != 0) || (n % 4 == 3 && (last & 0x03) != 0)) {
      throw new IllegalArgumentException("base64url with non-zero trailing bits");
    }
    return DECODER.decode(s.substring(from, to));
  }

  private static int value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '-') {
      return 62;
    }
    if (c == '_') {
      return 63;
    }
    return -1;
  }
}
