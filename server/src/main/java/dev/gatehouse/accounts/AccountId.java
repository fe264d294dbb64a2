package dev.gatehouse.accounts;

/** A brand's account (site) id: 1-64 characters of {@code [A-Za-z0-9_-]}, compared exactly. */
public record AccountId(String value) {
  public AccountId {
    if (!isValid(value)) {
      throw new IllegalArgumentException(describeInvalid(value));
    }
  }

  /** {@code [A-Za-z0-9_-]{1,64}}, checked by hand: this runs on every request (a regex matcher per call showed in profiles). */
  public static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
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

  public static String describeInvalid(String s) {
    if (s == null || s.isEmpty()) {
      return "account id is empty";
    }
    if (s.length() > 64) {
      return "account id is " + s.length() + " characters long; at most 64 allowed";
    }
    return "account id may contain only A-Z a-z 0-9 _ -";
  }

  @Override
  public String toString() {
    return value;
  }
}
