package dev.gatehouse.verifier;

/**
 * The one rule for reading the account from a Connector API path, for the library and the gateway:
 * see {@link ConnectorRequestVerifier#accountFromPath}. Stateless.
 */
final class NormalPath {
  private NormalPath() {}

  /**
   * The account id of a Connector API path such as {@code /api/account/5313846/messaging/consumer/conversation}
   * (query string ignored), or null when the path has none or is not in normal form.
   *
   * <p>A gateway authorizes the account it reads here, and a backend then serves whatever it makes
   * of the same path. So the path must mean one thing to everyone: it starts with {@code
   * /api/account/}, the id is 1-64 of {@code A-Z a-z 0-9 _ -}, and nowhere in the path is there a
   * dot segment ({@code .} or {@code ..}), an empty segment ({@code //}), a backslash, a {@code ;}
   * parameter, or a percent-encoded dot, slash or backslash ({@code %2e %2f %5c}), nor a control
   * character or space: forms that some servers normalize into another account's path.
   */
  static String accountFromPath(String pathOrUri) {
    if (pathOrUri == null) {
      return null;
    }
    int q = pathOrUri.indexOf('?');
    String p = q < 0 ? pathOrUri : pathOrUri.substring(0, q);
    if (!p.startsWith("/api/account/") || !isNormalPath(p)) {
      return null;
    }
    int start = "/api/account/".length();
    int end = p.indexOf('/', start);
    String id = end < 0 ? p.substring(start) : p.substring(start, end);
    return AccountIdSyntax.isValid(id) ? id : null;
  }

  private static boolean isNormalPath(String p) {
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c <= ' ' || c >= 0x7F || c == '\\' || c == ';' || c == '#') {
        return false;
      }
      if (c == '%' && i + 2 < p.length()) {
        String e = p.substring(i + 1, i + 3).toLowerCase(java.util.Locale.ROOT);
        if (e.equals("2e") || e.equals("2f") || e.equals("5c") || e.equals("25") || e.equals("00")) {
          return false;
        }
      }
    }
    for (String segment : p.substring(1).split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return !p.contains("//");
  }

}
