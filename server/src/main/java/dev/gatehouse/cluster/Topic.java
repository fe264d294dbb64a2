package dev.gatehouse.cluster;

/** What an admin change touched, so the other nodes know what to read again. */
public enum Topic {
  /** Accounts (and their consumer-id keys). */
  ACCOUNTS,
  /** App installations: created, disabled, enabled, new secret. */
  APPS,
  /** Signing keys: rotated, promoted, retired. */
  KEYS,
  /** Consumer revocations and erasures. */
  CONSUMERS,
  /** Named operator tokens: created, revoked. */
  OPERATORS,
  /** Brute-force lockouts: made or lifted. */
  LOCKOUTS
}
