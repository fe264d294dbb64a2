package dev.gatehouse.store;

import dev.gatehouse.consumers.LpConsumerId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migration V14: the consumers erased before tombstones existed get one (their records were
 * deleted then; a sighting queued before an erasure could write one back, which this also
 * mends). Each write sets the tombstone whether a row is there or not, so a run cut short by a
 * crash is simply run again; H2 commits every batch as it goes, PostgreSQL at the end.
 */
final class ConsumerTombstones {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerTombstones.class);

  private ConsumerTombstones() {}

  static void migrate(Connection c, boolean postgres) throws SQLException {
    long now = System.currentTimeMillis();
    try (PreparedStatement ps = c.prepareStatement(postgres
        ? JdbcConsumerRepository.TOMBSTONE_UPSERT
        : "MERGE INTO consumers (account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen) KEY (account_id, lp_consumer_id) VALUES (?, ?, ?, ?, ?)")) {
      final class Tombstones implements JdbcConsumerRepository.Revocation {
        int batched;
        long written;

        @Override
        public void accept(String accountId, String lp) throws SQLException {
          if (!LpConsumerId.isValid(lp)) {
            return; // no record can have it
          }
          JdbcConsumerRepository.bindTombstone(ps, accountId, LpConsumerId.toBytes(lp), now);
          ps.addBatch();
          written++;
          if (++batched == 1_000) {
            flush();
          }
        }

        void flush() throws SQLException {
          ps.executeBatch();
          batched = 0;
          if (!postgres) {
            c.commit();
          }
        }
      }
      Tombstones t = new Tombstones();
      JdbcConsumerRepository.forEachRevocation(c, true, t);
      t.flush();
      if (t.written > 0) {
        LOG.info("consumer records: {} erased consumers kept as tombstones", t.written);
      }
    }
  }
}
