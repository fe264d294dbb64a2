package dev.gatehouse.accounts;

/** A brand's account (site) id: 1-64 characters of {@code [A-Za-z0-9_-]}, compared exactly. */
public record AccountId(String value) {
  public AccountId {
    if (!isValid(value)) {
      throw new IllegalArgumentException(describeInvalid(value));
    }
  }

  /** {@code [A-Za-z0-9_-]{1,64}}: the verifier's rule ({@link dev.gatehouse.verifier.AccountIdSyntax}). */
  public static boolean isValid(String s) {
    return dev.gatehouse.verifier.AccountIdSyntax.isValid(s);
  }

  public static String describeInvalid(String s) {
    if (s == null || s.isEmpty()) {
      return "account id is empty";
    }
    if (s.length() > dev.gatehouse.verifier.AccountIdSyntax.MAX_LENGTH) {
      return "account id is " + s.length() + " characters long; at most 64 allowed";
    }
    return "account id may contain only A-Z a-z 0-9 _ -";
  }

  @Override
  public String toString() {
    return value;
  }
}
