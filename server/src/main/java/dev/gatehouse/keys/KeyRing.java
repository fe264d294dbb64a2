package dev.gatehouse.keys;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of one purpose. A ring is valid only with exactly one {@code ACTIVE} key; the
 * constructor refuses none, two, a duplicate kid, or a key of another purpose. Sign with the active
 * key, verify with any published one.
 *
 * <p>Immutable; a change of state builds a new ring.
 */
public final class KeyRing {
  private final KeyPurpose purpose;
  private final Map<String, SigningKey> byKid;
  private final SigningKey active;

  public KeyRing(KeyPurpose purpose, List<SigningKey> keys) {
    this.purpose = purpose;
    Map<String, SigningKey> m = new LinkedHashMap<>();
    SigningKey act = null;
    for (SigningKey k : keys) {
      if (k.purpose() != purpose) {
        throw new IllegalArgumentException("key " + k.kid() + " is for " + k.purpose() + ", not " + purpose);
      }
      if (m.put(k.kid(), k) != null) {
        throw new IllegalArgumentException("duplicate kid " + k.kid() + " in the " + purpose + " ring");
      }
      if (k.state() == KeyState.ACTIVE) {
        if (k.publishedAt() == null) {
          throw new IllegalArgumentException("active key " + k.kid() + " in the " + purpose + " ring was never published");
        }
        if (act != null) {
          throw new IllegalArgumentException(
              "two active keys in the " + purpose + " ring: " + act.kid() + " and " + k.kid());
        }
        act = k;
      }
    }
    if (act == null) {
      throw new IllegalArgumentException("no active key in the " + purpose + " ring (" + m.keySet() + ")");
    }
    this.byKid = Collections.unmodifiableMap(m);
    this.active = act;
  }

  public KeyPurpose purpose() {
    return purpose;
  }

  public SigningKey active() {
    return active;
  }

  /** A published key (next, active or retiring) by kid. */
  public Optional<SigningKey> published(String kid) {
    SigningKey k = kid == null ? null : byKid.get(kid);
    return k != null && k.state().published() ? Optional.of(k) : Optional.empty();
  }

  public List<SigningKey> all() {
    return new ArrayList<>(byKid.values());
  }

  @Override
  public String toString() {
    return "KeyRing[" + purpose + " active=" + active.kid() + " keys=" + byKid.keySet() + "]";
  }
}
