package dev.gatehouse.store;

import dev.gatehouse.keys.KeyPurpose;
import dev.gatehouse.keys.KeyState;
import dev.gatehouse.keys.SigningKeyRepository;
import dev.gatehouse.keys.StoredSigningKey;
import java.time.Instant;
import java.util.List;

/** Signing keys in the {@code signing_keys} table, private halves sealed. Thread-safe. */
public final class JdbcSigningKeyRepository implements SigningKeyRepository {
  private final Jdbc jdbc;

  public JdbcSigningKeyRepository(Database db) {
    this.jdbc = new Jdbc(db);
  }

  @Override
  public List<StoredSigningKey> findAll() {
    return jdbc.query(
        "SELECT kid, purpose, state, alg, public_jwk, private_key_sealed, created_at FROM signing_keys ORDER BY created_at, kid",
        ps -> {},
        rs -> new StoredSigningKey(
            rs.getString(1),
            KeyPurpose.valueOf(rs.getString(2)),
            KeyState.valueOf(rs.getString(3)),
            rs.getString(4),
            rs.getString(5),
            rs.getString(6),
            Instant.ofEpochMilli(rs.getLong(7))));
  }

  @Override
  public boolean insert(StoredSigningKey k) {
    return jdbc.update(
            "INSERT INTO signing_keys (kid, purpose, state, alg, public_jwk, private_key_sealed, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)",
            ps -> {
              ps.setString(1, k.kid());
              ps.setString(2, k.purpose().name());
              ps.setString(3, k.state().name());
              ps.setString(4, k.algorithm());
              ps.setString(5, k.publicJwk());
              ps.setString(6, k.sealedPrivateKey());
              ps.setLong(7, k.createdAt().toEpochMilli());
            })
        == 1;
  }

  @Override
  public void updateState(String kid, KeyState state) {
    jdbc.update("UPDATE signing_keys SET state = ? WHERE kid = ?", ps -> {
      ps.setString(1, state.name());
      ps.setString(2, kid);
    });
  }
}
