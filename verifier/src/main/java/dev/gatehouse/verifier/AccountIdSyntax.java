package dev.gatehouse.verifier;

/**
 * What an account (site) id may look like: 1-64 characters of {@code A-Z a-z 0-9 _ -}. The one
 * statement of that rule, for the paths the verifier reads and for the server's accounts. Checked
 * by hand, not by a regex: it runs on every request, and a matcher per call showed in profiles.
 *
 * <p>Stateless and thread-safe.
 */
public final class AccountIdSyntax {
  public static final int MAX_LENGTH = 64;

  private AccountIdSyntax() {}

  public static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
