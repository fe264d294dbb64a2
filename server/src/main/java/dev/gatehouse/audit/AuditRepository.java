package dev.gatehouse.audit;

import java.time.Instant;
import java.util.List;

/** Where the audit log is appended. Implementations are thread-safe. */
public interface AuditRepository {
  void append(Instant at, String actor, String action, String target, String detail);

  /** Newest first, entries with an id below {@code beforeId} (or all when null), at most {@code limit}. */
  List<AuditEntry> list(Long beforeId, int limit);

  /** As {@link #list(Long, int)}, only entries whose action starts with {@code actionPrefix} and whose actor is {@code actor} (each null: any). */
  List<AuditEntry> list(Long beforeId, int limit, String actionPrefix, String actor);
}
