package dev.gatehouse.store;

import dev.gatehouse.keys.KeyPurpose;
import dev.gatehouse.keys.KeyState;
import dev.gatehouse.keys.SigningKeyRepository;
import dev.gatehouse.keys.StoredSigningKey;
import java.time.Instant;
import java.util.List;

/** Signing keys in the {@code signing_keys} table: public halves, states, dates, custody; software private halves sealed. Thread-safe. */
public final class JdbcSigningKeyRepository implements SigningKeyRepository {
  private final Database db;
  private final Jdbc jdbc;

  public JdbcSigningKeyRepository(Database db) {
    this.db = db;
    this.jdbc = new Jdbc(db);
  }

  @Override
  public List<StoredSigningKey> findAll() {
    return jdbc.query(
        "SELECT kid, purpose, state, alg, public_jwk, private_key_sealed, created_at, published_at, activate_at, retire_at, custody"
            + " FROM signing_keys ORDER BY created_at, kid",
        ps -> {},
        rs -> new StoredSigningKey(
            rs.getString(1),
            KeyPurpose.valueOf(rs.getString(2)),
            KeyState.valueOf(rs.getString(3)),
            rs.getString(4),
            rs.getString(5),
            rs.getString(6),
            Instant.ofEpochMilli(rs.getLong(7)),
            Jdbc.instant(rs, 8),
            Jdbc.instant(rs, 9),
            Jdbc.instant(rs, 10),
            rs.getString(11)));
  }

  @Override
  public boolean insert(StoredSigningKey k) {
    return jdbc.update(
            "INSERT INTO signing_keys (kid, purpose, state, alg, public_jwk, private_key_sealed, created_at, published_at, activate_at, retire_at,"
                + " custody) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ps -> {
              ps.setString(1, k.kid());
              ps.setString(2, k.purpose().name());
              ps.setString(3, k.state().name());
              ps.setString(4, k.algorithm());
              ps.setString(5, k.publicJwk());
              ps.setString(6, k.sealedPrivateKey());
              ps.setLong(7, k.createdAt().toEpochMilli());
              Jdbc.setInstant(ps, 8, k.publishedAt());
              Jdbc.setInstant(ps, 9, k.activateAt());
              Jdbc.setInstant(ps, 10, k.retireAt());
              ps.setString(11, k.custody());
            })
        == 1;
  }

  @Override
  public void updateState(String kid, KeyState state, Instant retireAt) {
    // a retired key never signs again: its sealed private half is wiped with the retirement
    jdbc.update(state == KeyState.RETIRED
        ? "UPDATE signing_keys SET state = ?, retire_at = ?, private_key_sealed = NULL WHERE kid = ?"
        : "UPDATE signing_keys SET state = ?, retire_at = ? WHERE kid = ?", ps -> {
      ps.setString(1, state.name());
      Jdbc.setInstant(ps, 2, retireAt);
      ps.setString(3, kid);
    });
  }

  @Override
  public void reseal(String kid, String expected, String sealed) {
    jdbc.update("UPDATE signing_keys SET private_key_sealed = ? WHERE kid = ? AND private_key_sealed = ?", ps -> {
      ps.setString(1, sealed);
      ps.setString(2, kid);
      ps.setString(3, expected);
    });
  }

  @Override
  public boolean promote(String next, String current, Instant currentRetireAt) {
    long start = System.nanoTime();
    try (java.sql.Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (java.sql.PreparedStatement a = c.prepareStatement("UPDATE signing_keys SET state = 'ACTIVE' WHERE kid = ? AND state = 'NEXT'");
           java.sql.PreparedStatement b = c.prepareStatement("UPDATE signing_keys SET state = 'RETIRING', retire_at = ? WHERE kid = ? AND state = 'ACTIVE'")) {
        Jdbc.setInstant(b, 1, currentRetireAt);
        b.setString(2, current);
        a.setString(1, next);
        if (b.executeUpdate() != 1 || a.executeUpdate() != 1) {
          c.rollback();
          db.committed();
          return false;
        }
      }
      c.commit();
      db.committed();
      return true;
    } catch (java.sql.SQLException e) {
      throw new StoreException("promoting key " + next + " failed: " + e.getMessage(), e);
    } finally {
      db.record(true, System.nanoTime() - start);
    }
  }
}
