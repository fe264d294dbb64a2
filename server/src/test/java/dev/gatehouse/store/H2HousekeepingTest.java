package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.consumers.ConsumerRecord;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The embedded H2 file stays near the size of its live data under the registry's write pattern
 * (batches of new consumers with random keys), through the real repository on a real file, and
 * compaction loses nothing: every record is there after it and after a reopen.
 */
class H2HousekeepingTest {
  private static final int ROWS = 200_000;
  private static final int BATCH = 1_000;

  @Test
  void newConsumersInBatches_leaveAFileNearItsLiveSize_andEveryRecordSurvivesCompactionAndReopen() throws Exception {
    Path dir = Files.createTempDirectory("gatehouse-h2-housekeeping");
    Path file = dir.resolve(Database.H2_FILE);
    Random random = new Random(7);
    List<String> sample = new ArrayList<>();
    Instant now = Instant.parse("2026-11-30T10:00:00Z");
    long fileBeforeCompaction;
    try (Database db = Database.h2(dir)) {
      assertThat(db.housekeeping()).as("housekeeping runs on the embedded store").isNotNull();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      db.bindMetrics(registry);
      JdbcConsumerRepository repo = new JdbcConsumerRepository(db);
      for (int i = 0; i < ROWS; i += BATCH) {
        List<ConsumerRecord> batch = new ArrayList<>(BATCH);
        for (int j = 0; j < BATCH; j++) {
          String lp = String.format("%016x%016x%016x%016x", random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
          batch.add(new ConsumerRecord("acct" + (j % 3), lp, "ext-" + (i + j) + "-" + Long.toHexString(random.nextLong()), now, now));
          if ((i + j) % 10_000 == 0) {
            sample.add((j % 3) + "/" + lp + "/ext-" + (i + j));
          }
        }
        repo.recordAll(batch);
      }
      fileBeforeCompaction = Files.size(file);
      // chunks are rewritten only once older than the retention time; then passes until both
      // shares are above H2Housekeeping's targets (the thread does the same once a second; a pass
      // gives up when the other holds the store)
      Thread.sleep(H2Housekeeping.RETENTION_MILLIS + 1_000);
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      H2Housekeeping h = db.housekeeping();
      double chunkTarget = H2Housekeeping.CHUNK_TARGET / 100.0;
      double fileTarget = H2Housekeeping.FILE_TARGET / 100.0;
      while ((h.chunksFill() < chunkTarget || h.fileFill() < fileTarget) && System.nanoTime() < deadline) {
        h.pass();
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
          st.execute("CHECKPOINT"); // a pass's pages reach the file with the next commit
        }
      }
      String scrape = registry.scrape();
      assertThat(scrape).contains("gatehouse_store_file_bytes ").contains("gatehouse_store_fill_ratio{part=\"chunks\"}")
          .contains("gatehouse_store_fill_ratio{part=\"file\"}");
      assertThat(registry.get("gatehouse.store.compaction").timer().count()).as("housekeeping passes that did work").isPositive();
      assertThat(h.chunksFill()).as("share of the chunks' bytes that is live").isGreaterThanOrEqualTo(chunkTarget);
      assertThat(h.fileFill()).as("share of the file in use").isGreaterThanOrEqualTo(fileTarget);
      assertThat(count(db)).isEqualTo(ROWS);
      System.out.printf("H2HousekeepingTest: %d consumers, file %d MB after writing, %d MB after the passes, chunks %.0f%% live, file %.0f%% used%n",
          ROWS, fileBeforeCompaction >> 20, h.fileBytes() >> 20, 100 * h.chunksFill(), 100 * h.fileFill());
    }
    long after = Files.size(file);
    // ~250 bytes of row and index per consumer: 47-55 MB live measured. Chunks are moved down only
    // while under FILE_TARGET (half) of the file is in use, so a file just at half is left as it
    // is: up to twice the live data (111 MB seen once). Without housekeeping this pattern leaves
    // ~3 KB of file per consumer (1.8 GB for 600,000 measured; 600 MB here).
    assertThat(after).as("file after compaction and close (%d bytes before the last passes)", fileBeforeCompaction)
        .isLessThan(ROWS * 700L);

    try (Database db = Database.h2(dir)) {
      assertThat(count(db)).isEqualTo(ROWS);
      JdbcConsumerRepository repo = new JdbcConsumerRepository(db);
      for (String s : sample) {
        String[] p = s.split("/");
        assertThat(repo.find("acct" + p[0], p[1])).as("consumer %s", p[1]).get()
            .satisfies(r -> assertThat(r.extConsumerId()).startsWith(p[2] + "-"));
      }
    }
  }

  private static long count(Database db) throws Exception {
    try (var c = db.dataSource().getConnection(); var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM consumers")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
