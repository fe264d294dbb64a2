package dev.gatehouse.keys;

/**
 * Life of a signing key: {@code NEXT} (published, not signing) → {@code ACTIVE} (signs; one per
 * ring) → {@code RETIRING} (published, no longer signs) → {@code RETIRED} (gone from the JWKS; its
 * tokens fail).
 */
public enum KeyState {
  NEXT,
  ACTIVE,
  RETIRING,
  RETIRED;

  /** Whether the key appears in the JWKS and verifies tokens. */
  public boolean published() {
    return this != RETIRED;
  }
}
