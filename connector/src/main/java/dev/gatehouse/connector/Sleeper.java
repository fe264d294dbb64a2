package dev.gatehouse.connector;

import java.time.Duration;

/** How the client waits between retries; tests pass one that records the waits instead. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = d -> Thread.sleep(d.toMillis());

  void sleep(Duration d) throws InterruptedException;
}
