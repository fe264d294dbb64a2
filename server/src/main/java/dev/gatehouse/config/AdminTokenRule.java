package dev.gatehouse.config;

import java.util.Locale;

/**
 * What an admin token must be: at least 128 bits of entropy, estimated as its length times log2 of
 * the number of distinct characters in it (32 random hex digits just pass), and not a placeholder
 * (words such as "replace", "example" or "password" mark one). The one statement of the rule, for
 * the environment variable, the token file and the token file option alike.
 */
public final class AdminTokenRule {
  /** How to make a good one, for the error message. */
  public static final String HOW = "make one with: openssl rand -hex 32";
  private static final String[] PLACEHOLDER_WORDS = {"replace", "change", "example", "placeholder", "password", "secret", "token", "admin", "default", "xxxx"};

  private AdminTokenRule() {}

  /** @return null if the token is good enough, else why not (never the token itself) */
  public static String problem(String token) {
    if (token == null || token.isBlank()) {
      return "the admin token is empty; " + HOW;
    }
    String lower = token.toLowerCase(Locale.ROOT);
    for (String w : PLACEHOLDER_WORDS) {
      if (lower.contains(w)) {
        return "the admin token looks like a placeholder (it contains \"" + w + "\"); " + HOW;
      }
    }
    long distinct = token.chars().distinct().count();
    double bits = token.length() * (Math.log(Math.max(distinct, 1)) / Math.log(2));
    if (bits < 128) {
      return "the admin token is too weak (" + token.length() + " characters, about " + (int) bits + " bits; at least 128 needed); " + HOW;
    }
    return null;
  }
}
