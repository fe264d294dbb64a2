package dev.gatehouse.store;

import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditRepository;
import java.time.Instant;
import java.util.List;

/** The audit log in the {@code audit_log} table. Thread-safe. */
public final class JdbcAuditRepository implements AuditRepository {
  private final Jdbc jdbc;

  public JdbcAuditRepository(Database db) {
    this.jdbc = new Jdbc(db);
  }

  @Override
  public void append(Instant at, String actor, String action, String target, String detail) {
    jdbc.update("INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)", ps -> {
      ps.setLong(1, at.toEpochMilli());
      ps.setString(2, actor);
      ps.setString(3, action);
      ps.setString(4, target.length() > 256 ? target.substring(0, 256) : target);
      ps.setString(5, detail.length() > 1024 ? detail.substring(0, 1024) : detail);
    });
  }

  @Override
  public List<AuditEntry> list(Long beforeId, int limit, String actionPrefix, String actor) {
    StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, target, detail FROM audit_log WHERE id < ?");
    if (actionPrefix != null) {
      sql.append(" AND action LIKE ? ESCAPE '!'");
    }
    if (actor != null) {
      sql.append(" AND actor = ?");
    }
    sql.append(" ORDER BY id DESC LIMIT ").append(limit);
    return jdbc.query(sql.toString(), ps -> {
      int i = 1;
      ps.setLong(i++, beforeId == null ? Long.MAX_VALUE : beforeId);
      if (actionPrefix != null) {
        ps.setString(i++, actionPrefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
      }
      if (actor != null) {
        ps.setString(i, actor);
      }
    }, rs -> new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
  }

  @Override
  public List<AuditEntry> list(Long beforeId, int limit) {
    return jdbc.query(
        "SELECT id, at, actor, action, target, detail FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT " + limit,
        ps -> ps.setLong(1, beforeId == null ? Long.MAX_VALUE : beforeId),
        rs -> new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
  }
}
