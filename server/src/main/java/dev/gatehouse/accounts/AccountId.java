package dev.gatehouse.accounts;

import java.util.regex.Pattern;

/** A brand's account (site) id: 1-64 characters of {@code [A-Za-z0-9_-]}, compared exactly. */
public record AccountId(String value) {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public AccountId {
    if (!isValid(value)) {
      throw new IllegalArgumentException(describeInvalid(value));
    }
  }

  public static boolean isValid(String s) {
    return s != null && VALID.matcher(s).matches();
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
