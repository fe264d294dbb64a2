package dev.gatehouse.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.accounts.AccountId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Stopping the dispatcher never interrupts its thread: an interrupt that lands in the store's file
 * I/O closes H2's file channel, and with it the database, so the deliveries in flight could not be
 * recorded at shutdown (seen in a bench run: "60 webhook deliveries not recorded as delivered ...
 * The database has been closed"). The queue here is a stand-in whose look at the due deliveries
 * blocks until released, so the dispatcher is provably inside a store call when close() starts;
 * the real store cannot be held inside its file I/O on purpose.
 */
class WebhookDispatcherCloseTest {
  @Test
  void close_waitsForTheStoreCallInHand_withoutInterruptingIt() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    DeliveryRepository queue = new DeliveryRepository() {
      @Override
      public List<Delivery> due(Instant now, int limit) {
        inside.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          interrupted.set(true);
        }
        return List.of();
      }

      @Override
      public long pending() {
        return 0;
      }

      @Override
      public List<Long> claim(List<Long> ids, Instant now, Instant leaseUntil, long token) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void delivered(List<Long> ids, Instant at, String result) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void retryLater(long id, int attempts, Instant nextAttempt, String result) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void dropped(long id, int attempts, Instant at, String result) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void postpone(long id, Instant nextAttempt) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<Delivery> list(AccountId account, String state, long beforeId, int limit) {
        throw new UnsupportedOperationException();
      }

      @Override
      public int purge(Instant cutoff) {
        throw new UnsupportedOperationException();
      }
    };
    WebhookDispatcher dispatcher = new WebhookDispatcher(queue, null, null, null, Clock.systemUTC(), WebhookDispatcher.Options.DEFAULT);
    dispatcher.start();
    dispatcher.wake();
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

    Thread closer = new Thread(() -> dispatcher.close(Duration.ofMillis(100)), "closer");
    closer.start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive() && System.nanoTime() < end) {
      Thread.sleep(1); // close() has begun: it waits for the dispatcher's thread (or, interrupting it, is already done)
    }
    Thread.sleep(200); // well past the in-flight wait: close is joining the thread now
    release.countDown();
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(interrupted).as("the store call in hand was interrupted").isFalse();
  }
}
