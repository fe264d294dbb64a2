package dev.gatehouse.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates signing keys without breaking verifiers: add → publish → promote → retire.
 *
 * <ul>
 *   <li>{@link #rotate} makes a {@code NEXT} key: published in the JWKS at once, signing only
 *       after the publication delay (the JWKS max-age plus a margin), so a verifier with a cached
 *       JWKS never meets an unknown kid.
 *   <li>{@link #tick} (run by a scheduler) promotes a due {@code NEXT} key to {@code ACTIVE} and the
 *       old active key to {@code RETIRING} (still published); an AppJWT key retires by itself once
 *       the last token it signed has expired; the AppJWT ring rotates by itself every {@code
 *       appKeyMaxAge}.
 *   <li>{@link #retire} retires a key by hand. A ConsumerJWS key needs {@code force}: connectors
 *       cache ConsumerJWS forever, so every token it signed stops working.
 * </ul>
 *
 * <p>With many nodes on one store, every change runs under the cluster lock {@value #LOCK} (so a
 * scheduled rotation happens once, not once per node), each change is one statement or one
 * transaction (a node that dies mid-way leaves nothing half done), and {@code onChange} tells the
 * other nodes to read the keys again.
 *
 * <p>Thread-safe (one change at a time); every change reloads the rings and the JWKS.
 */
public final class KeyRotation {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

  private final KeyVault vault;
  private final SigningKeyRepository repository;
  private final SigningKeys keys;
  private final Clock clock;
  private final Duration publicationDelay;
  private final Duration appTokenLifetime;
  private final Duration appKeyMaxAge;
  private final ClusterLock lock;
  private final Runnable onChange;

  /** The lock every key change takes. */
  public static final String LOCK = "signing-keys";

  public KeyRotation(KeyVault vault, SigningKeyRepository repository, SigningKeys keys, Clock clock,
      Duration publicationDelay, Duration appTokenLifetime, Duration appKeyMaxAge, ClusterLock lock, Runnable onChange) {
    this.vault = vault;
    this.repository = repository;
    this.keys = keys;
    this.clock = clock;
    this.publicationDelay = publicationDelay;
    this.appTokenLifetime = appTokenLifetime;
    this.appKeyMaxAge = appKeyMaxAge;
    this.lock = lock;
    this.onChange = onChange;
  }

  /** Whether new keys' custodian can sign now (false while a PKCS#11 token is away or logged out). */
  public boolean canSign() {
    return vault.available();
  }

  /** Where new keys are made: {@code software} or {@code pkcs11:LABEL}. */
  public String keyLocation() {
    return vault.location();
  }

  /** Every key, as may be shown: no key material. */
  public List<SigningKeyInfo> list() {
    return stored().stream().map(SigningKeyInfo::of).toList();
  }

  private List<StoredSigningKey> stored() {
    return repository.findAll();
  }

  /**
   * Publishes a new {@code NEXT} key for the ring, to become active after the publication delay.
   *
   * @throws IllegalStateException if the ring already has a key waiting
   */
  public synchronized SigningKeyInfo rotate(KeyPurpose purpose) {
    StoredSigningKey[] made = new StoredSigningKey[1];
    lock.run(LOCK, true, () -> made[0] = rotateLocked(purpose));
    onChange.run();
    return SigningKeyInfo.of(made[0]);
  }

  private StoredSigningKey rotateLocked(KeyPurpose purpose) {
    if (stored().stream().anyMatch(k -> k.purpose() == purpose && k.state() == KeyState.NEXT)) {
      throw new IllegalStateException("the " + purpose + " ring already has a NEXT key waiting to become active");
    }
    SigningKey k = vault.create(purpose, KeyState.NEXT, clock.instant().plus(publicationDelay));
    reload();
    LOG.info("rotation: {} key {} published, active from {}", purpose, k.kid(), clock.instant().plus(publicationDelay));
    return find(k.kid());
  }

  /**
   * Takes a key out of the JWKS: every token it signed fails from now on.
   *
   * @throws IllegalArgumentException for an unknown kid
   * @throws IllegalStateException for the active key, or a ConsumerJWS key without {@code force}
   */
  public synchronized SigningKeyInfo retire(String kid, boolean force) {
    StoredSigningKey[] done = new StoredSigningKey[1];
    lock.run(LOCK, true, () -> done[0] = retireLocked(kid, force));
    onChange.run();
    return SigningKeyInfo.of(done[0]);
  }

  private StoredSigningKey retireLocked(String kid, boolean force) {
    StoredSigningKey k = stored().stream().filter(s -> s.kid().equals(kid)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no signing key " + kid));
    if (k.state() == KeyState.ACTIVE) {
      throw new IllegalStateException("key " + kid + " is the active " + k.purpose() + " key; rotate first, then retire it");
    }
    if (k.state() == KeyState.RETIRED) {
      return k;
    }
    if (k.purpose() == KeyPurpose.CONSUMER_TOKEN && !force) {
      throw new IllegalStateException("retiring ConsumerJWS key " + kid + " invalidates every ConsumerJWS it signed, and connectors cache"
          + " those forever; repeat with force to do it");
    }
    repository.updateState(kid, KeyState.RETIRED, null);
    reload();
    LOG.warn("rotation: {} key {} retired; tokens it signed no longer verify", k.purpose(), kid);
    return find(kid);
  }

  /**
   * Does what is due: promotions, AppJWT key retirements, scheduled AppJWT rotation. When another
   * node is doing it right now, does nothing (that node will).
   *
   * @return whether any key changed
   */
  public synchronized boolean tick() {
    boolean[] changed = new boolean[1];
    lock.run(LOCK, false, () -> changed[0] = tickLocked());
    if (changed[0]) {
      onChange.run();
    }
    return changed[0];
  }

  private boolean tickLocked() {
    Instant now = clock.instant();
    boolean changed = false;
    List<StoredSigningKey> all = stored();
    for (KeyPurpose p : KeyPurpose.values()) {
      StoredSigningKey active = all.stream().filter(k -> k.purpose() == p && k.state() == KeyState.ACTIVE).findFirst().orElse(null);
      StoredSigningKey next = all.stream().filter(k -> k.purpose() == p && k.state() == KeyState.NEXT).findFirst().orElse(null);
      if (active != null && next != null && next.activateAt() != null && !now.isBefore(next.activateAt())) {
        // an AppJWT key retires when the last token it signed has expired; ConsumerJWS tokens never expire
        Instant retireAt = p == KeyPurpose.APP_TOKEN ? now.plus(appTokenLifetime).plusSeconds(60) : null;
        if (repository.promote(next.kid(), active.kid(), retireAt)) {
          LOG.info("rotation: {} key {} active, {} retiring", p, next.kid(), active.kid());
          changed = true;
        }
      }
    }
    for (StoredSigningKey k : all) {
      if (k.state() == KeyState.RETIRING && k.retireAt() != null && !now.isBefore(k.retireAt())) {
        repository.updateState(k.kid(), KeyState.RETIRED, null);
        LOG.info("rotation: {} key {} retired (its last token has expired)", k.purpose(), k.kid());
        changed = true;
      }
    }
    if (changed) {
      reload();
      all = stored();
    }
    StoredSigningKey appActive = all.stream().filter(k -> k.purpose() == KeyPurpose.APP_TOKEN && k.state() == KeyState.ACTIVE).findFirst().orElse(null);
    boolean waiting = all.stream().anyMatch(k -> k.purpose() == KeyPurpose.APP_TOKEN && k.state() == KeyState.NEXT);
    if (appActive != null && !waiting && !appKeyMaxAge.isZero() && !now.isBefore(appActive.createdAt().plus(appKeyMaxAge))) {
      rotateLocked(KeyPurpose.APP_TOKEN);
      changed = true;
    }
    return changed;
  }

  /** Re-reads the keys from the store (another node may have changed them). */
  public synchronized void reload() {
    keys.replace(vault.loadOrCreate());
  }

  private StoredSigningKey find(String kid) {
    return stored().stream().filter(s -> s.kid().equals(kid)).findFirst().orElseThrow();
  }
}
