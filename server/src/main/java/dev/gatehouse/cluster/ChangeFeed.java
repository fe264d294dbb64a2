package dev.gatehouse.cluster;

/**
 * Tells the other nodes on the same store that something changed. Notices are a hint to read
 * again, never the data itself, so a lost notice costs only time: {@link ClusterSync} also reads
 * everything again on a timer and after every reconnection.
 */
public interface ChangeFeed extends AutoCloseable {
  /** Announces a committed change; never throws (a notice that cannot be sent is logged). */
  void publish(Topic topic);

  @Override
  void close();

  /** For a store that one process owns (H2): there is nobody to tell. */
  ChangeFeed NONE = new ChangeFeed() {
    @Override
    public void publish(Topic topic) {}

    @Override
    public void close() {}
  };
}
