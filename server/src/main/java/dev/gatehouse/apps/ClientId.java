package dev.gatehouse.apps;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** An app installation's OAuth {@code client_id}: a UUID, kept in canonical lowercase form. */
public record ClientId(String value) {
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public ClientId {
    if (value == null || !UUID_TEXT.matcher(value).matches()) {
      throw new IllegalArgumentException("client_id must be a UUID");
    }
    value = value.toLowerCase(Locale.ROOT);
  }

  public static ClientId random() {
    return new ClientId(UUID.randomUUID().toString());
  }

  /** @return null if the text is not a UUID */
  public static ClientId parseOrNull(String text) {
    return text != null && UUID_TEXT.matcher(text).matches() ? new ClientId(text) : null;
  }

  @Override
  public String toString() {
    return value;
  }
}
