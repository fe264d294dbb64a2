package dev.gatehouse.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

/**
 * The append-only record of admin actions. An actor is named by {@link #actorId}: the first 12 hex
 * digits of the SHA-256 of the credential used, so entries can be told apart by token without the
 * log ever holding one. Callers pass targets and details that contain no secrets.
 *
 * <p>Thread-safe; appending blocks on the store.
 */
public final class AuditLog {
  private final AuditRepository repository;
  private final Clock clock;

  public AuditLog(AuditRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  public static String actorId(String kind, String credential) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
      return kind + ":" + HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public void record(String actor, String action, String target, String detail) {
    repository.append(clock.instant(), actor, action, target, detail == null ? "" : detail);
  }

  public List<AuditEntry> list(Long beforeId, int limit) {
    return repository.list(beforeId, Math.max(1, Math.min(limit, 1000)));
  }

  /** Newest first, filtered by an action prefix and an actor (each null or blank: any). */
  public List<AuditEntry> list(Long beforeId, int limit, String actionPrefix, String actor) {
    return repository.list(beforeId, Math.max(1, Math.min(limit, 1000)), blankToNull(actionPrefix), blankToNull(actor));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
