package dev.gatehouse.keys;

/**
 * The key rings in force now and the JWKS document that publishes them, swapped together
 * atomically when keys change. Readers on the hot path take one volatile read.
 *
 * <p>Thread-safe.
 */
public final class SigningKeys {
  private record Snapshot(KeyRings rings, JwksDocument jwks) {}

  private volatile Snapshot snapshot;

  public SigningKeys(KeyRings rings) {
    this.snapshot = new Snapshot(rings, new JwksDocument(rings));
  }

  public KeyRings rings() {
    return snapshot.rings();
  }

  public JwksDocument jwks() {
    return snapshot.jwks();
  }

  public void replace(KeyRings rings) {
    snapshot = new Snapshot(rings, new JwksDocument(rings));
  }
}
