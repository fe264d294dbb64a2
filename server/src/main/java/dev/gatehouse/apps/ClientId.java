package dev.gatehouse.apps;

import java.util.Locale;
import java.util.UUID;

/** An app installation's OAuth {@code client_id}: a UUID, kept in canonical lowercase form. */
public record ClientId(String value) {
  public ClientId {
    if (!isUuid(value)) {
      throw new IllegalArgumentException("client_id must be a UUID");
    }
    value = value.toLowerCase(Locale.ROOT);
  }

  /** 8-4-4-4-12 hex digits; by hand, as this runs on every token request. */
  static boolean isUuid(String s) {
    if (s == null || s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : Character.digit(c, 16) < 0) {
        return false;
      }
    }
    return true;
  }

  public static ClientId random() {
    return new ClientId(UUID.randomUUID().toString());
  }

  /** @return null if the text is not a UUID */
  public static ClientId parseOrNull(String text) {
    return isUuid(text) ? new ClientId(text) : null;
  }

  @Override
  public String toString() {
    return value;
  }
}
