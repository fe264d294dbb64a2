package dev.gatehouse.operators;

/** What an operator token may do. The one statement of who may act where. */
public enum Role {
  /** Everything: the admin API (read and write) and introspection of any account's tokens. */
  ADMIN,
  /** The admin API's reads ({@code GET}) only. */
  READ,
  /** Introspection of any account's tokens only; nothing of the admin API. */
  INTROSPECT;

  /** Whether this role may make an admin API call with this HTTP method. */
  public boolean mayAdminister(String method) {
    return this == ADMIN || (this == READ && (method.equals("GET") || method.equals("HEAD")));
  }

  public boolean mayIntrospect() {
    return this == ADMIN || this == INTROSPECT;
  }

  /** @throws IllegalArgumentException naming the roles there are */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.name().equalsIgnoreCase(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException("role must be admin, read or introspect, got '" + text + "'");
  }
}
