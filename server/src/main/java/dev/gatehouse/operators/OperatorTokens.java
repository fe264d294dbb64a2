package dev.gatehouse.operators;

import dev.gatehouse.keys.HmacSha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who an admin credential is: the bootstrap token (from the environment or the data folder; role
 * {@code admin}) or a named token created through the admin API. Named tokens are 256 random bits,
 * shown once, kept only as HMAC-SHA256 under a pepper derived from the master key, and looked up by
 * that hash; the bootstrap token is compared in constant time. The audit names a caller by
 * {@link Caller#actor()}, never by the token.
 *
 * <p>Thread-safe; {@link #authenticate} reads memory only.
 */
public final class OperatorTokens {
  /** An authenticated operator. */
  public record Caller(String actor, Role role) {}

  /** A token just made: the value, shown this once, and what is kept. */
  public record Created(OperatorToken token, String value) {
    @Override
    public String toString() {
      return "Created[" + token + "]";
    }
  }

  private final OperatorTokenRepository repository;
  private final HmacSha256 pepper;
  private final byte[] bootstrap;
  private final String bootstrapActor;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private volatile Map<String, OperatorToken> byHash = Map.of();

  /**
   * @param bootstrapToken the admin token every node shares
   * @param bootstrapActor how the audit names it
   */
  public OperatorTokens(OperatorTokenRepository repository, byte[] pepper, String bootstrapToken, String bootstrapActor, Clock clock) {
    this.repository = repository;
    this.pepper = new HmacSha256(pepper);
    this.bootstrap = bootstrapToken.getBytes(StandardCharsets.UTF_8);
    this.bootstrapActor = bootstrapActor;
    this.clock = clock;
  }

  /** (Re)reads the named tokens from the store. */
  public synchronized void reload() {
    Map<String, OperatorToken> m = new ConcurrentHashMap<>();
    for (OperatorToken t : repository.findAll()) {
      if (t.revokedAt() == null) {
        m.put(t.tokenHash(), t);
      }
    }
    byHash = m;
  }

  /** The caller a presented token stands for; empty when it is no token of ours. */
  public Optional<Caller> authenticate(String presented) {
    if (presented == null || presented.isEmpty()) {
      return Optional.empty();
    }
    if (MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), bootstrap)) {
      return Optional.of(new Caller(bootstrapActor, Role.ADMIN));
    }
    OperatorToken t = byHash.get(hash(presented));
    return t == null ? Optional.empty() : Optional.of(new Caller(actor(t), t.role()));
  }

  private static String actor(OperatorToken t) {
    return "token:" + t.name() + "(" + t.id().substring(0, 8) + ")";
  }

  private String hash(String token) {
    return HexFormat.of().formatHex(pepper.mac(token.getBytes(StandardCharsets.UTF_8)));
  }

  /** Makes a named token; the value is returned this once and kept only hashed. */
  public synchronized Created create(String name, Role role) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    String value = "gho_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    OperatorToken t = new OperatorToken(UUID.randomUUID().toString(), name, role, hash(value), clock.instant(), null);
    repository.insert(t);
    Map<String, OperatorToken> m = new ConcurrentHashMap<>(byHash);
    m.put(t.tokenHash(), t);
    byHash = m;
    return new Created(t, value);
  }

  /** @return whether an active token with this id was revoked */
  public synchronized boolean revoke(String id) {
    boolean done = repository.revoke(id, clock.instant());
    reload();
    return done;
  }

  /** Every named token, revoked ones too, as kept (no values). */
  public List<OperatorToken> list() {
    return repository.findAll();
  }
}
