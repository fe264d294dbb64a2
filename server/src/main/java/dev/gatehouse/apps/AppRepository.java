package dev.gatehouse.apps;

import java.util.List;

/** Where app installations are kept. Implementations are thread-safe. */
public interface AppRepository {
  List<App> findAll();

  /** The app as stored now (another node may have changed it). */
  java.util.Optional<App> find(ClientId id);

  void insert(App app);

  /** Writes the mutable fields (enabled, secrets, updated_at). @return false if no such app */
  boolean update(App app);
}
