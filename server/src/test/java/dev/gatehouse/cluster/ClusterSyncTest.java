package dev.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.store.Database;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClusterSyncTest {
  @Test
  void aBurstOfNotices_whileATopicIsRead_makesOneMoreRead_notOneEach_andHoldsUpNoOtherTopic() throws Exception {
    try (Database db = Database.h2(Files.createTempDirectory("gatehouse-sync")); ClusterSync sync = new ClusterSync(db, Duration.ZERO)) {
      CountDownLatch firstReadStarted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger consumerReads = new AtomicInteger();
      AtomicInteger keyReads = new AtomicInteger();
      CountDownLatch keysRead = new CountDownLatch(1);
      CountDownLatch consumersReadAgain = new CountDownLatch(1);
      CountDownLatch marker = new CountDownLatch(1);
      sync.start(Map.of(
          Topic.ACCOUNTS, marker::countDown,
          Topic.CONSUMERS, () -> {
            int n = consumerReads.incrementAndGet();
            if (n == 1) {
              firstReadStarted.countDown();
              try {
                release.await(10, TimeUnit.SECONDS); // a large table, slow to read
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            } else {
              consumersReadAgain.countDown();
            }
          },
          Topic.KEYS, () -> {
            keyReads.incrementAndGet();
            keysRead.countDown();
          }));
      sync.reloadSoon(EnumSet.of(Topic.CONSUMERS));
      assertThat(firstReadStarted.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 1_000; i++) { // changes made on other nodes while this node reads
        sync.reloadSoon(EnumSet.of(Topic.CONSUMERS));
      }
      sync.reloadSoon(EnumSet.of(Topic.KEYS));
      release.countDown();
      // the notices joined one read, queued behind the first, which reads keys and consumers once
      assertThat(keysRead.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(consumersReadAgain.await(10, TimeUnit.SECONDS)).as("what was noticed during the first read is read again").isTrue();
      // a notice now is read after everything queued before it (one worker, in order)
      sync.reloadSoon(EnumSet.of(Topic.ACCOUNTS));
      assertThat(marker.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(consumerReads.get()).as("1,001 notices").isEqualTo(2);
      assertThat(keyReads.get()).isEqualTo(1);
    }
  }
}
