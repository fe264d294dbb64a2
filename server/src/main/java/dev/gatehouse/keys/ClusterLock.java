package dev.gatehouse.keys;

/**
 * A named lock held across every node on the same store ({@link dev.gatehouse.store.Database#withLock}),
 * so that key changes one node schedules happen once even when every node schedules them.
 */
@FunctionalInterface
public interface ClusterLock {
  /**
   * @param wait false to give up at once when another node holds it
   * @return whether {@code work} ran
   */
  boolean run(String name, boolean wait, Runnable work);
}
