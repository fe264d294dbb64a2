package dev.gatehouse.verifier;

/**
 * The one reading of a token from an {@code Authorization}-style header value, for the library and
 * the server alike: the value is the token itself (as every real connector sends the AppJWT) or
 * {@code Bearer <token>} (RFC 6750 §2.1, scheme in any case). Surrounding whitespace is ignored;
 * what the token may contain is for its parser to say.
 */
public final class BearerToken {
  private BearerToken() {}

  /**
   * @param allowRaw whether a value without the {@code Bearer} scheme counts as the token
   * @return the token, or null if the header is absent, empty, or not of that form
   */
  public static String from(String header, boolean allowRaw) {
    if (header == null) {
      return null;
    }
    String h = header.strip();
    boolean bearer = h.length() >= 6 && h.regionMatches(true, 0, "Bearer", 0, 6) && (h.length() == 6 || h.charAt(6) == ' ');
    if (bearer) {
      h = h.substring(6).strip();
    } else if (!allowRaw) {
      return null;
    }
    if (h.isEmpty()) {
      return null;
    }
    return h;
  }
}
