package dev.gatehouse.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC store: a HikariCP pool over the embedded H2 file database (default) or PostgreSQL, with
 * the schema brought up to date on open ({@link Migrations}, whose SQL files live beside this class).
 *
 * <p>Thread-safe.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** The embedded database's file in the data folder. */
  public static final String H2_FILE = "gatehouse.mv.db";

  private final HikariDataSource pool;
  private final String description;
  private volatile io.micrometer.core.instrument.Timer queries;
  private volatile io.micrometer.core.instrument.Timer updates;

  private Database(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  /** The embedded H2 database in {@code dataDir/gatehouse.mv.db}. */
  public static Database h2(Path dataDir) {
    // a small page cache (8 MB): the hot data lives in memory in the directories, not in H2
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("gatehouse") + ";DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=8192";
    return open(url, null, null, "H2 " + dataDir.toAbsolutePath().resolve("gatehouse.mv.db"), 4);
  }

  /**
   * Opens a database given as a JDBC URL or as {@code postgresql://host:port/db?user=...}.
   *
   * @throws StoreException when it cannot be reached or migrated
   */
  public static Database connect(String url) {
    String jdbc = url.startsWith("jdbc:") ? url : "jdbc:" + (url.startsWith("postgres://") ? "postgresql://" + url.substring(11) : url);
    String shown = jdbc.replaceAll("(?i)(password=)[^&;]*", "$1***");
    return open(jdbc, null, null, shown, 8);
  }

  private static Database open(String url, String user, String password, String description, int poolSize) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    if (user != null) {
      c.setUsername(user);
      c.setPassword(password);
    }
    c.setMaximumPoolSize(poolSize);
    c.setMinimumIdle(1);
    c.setPoolName("gatehouse-store");
    c.setConnectionTimeout(5_000);
    c.setInitializationFailTimeout(5_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(c);
    } catch (RuntimeException e) {
      String why = rootMessage(e);
      String hint = why != null && why.contains("locked") ? " (is another gatehouse using this data folder?)" : "";
      throw new StoreException("cannot open the store " + description + ": " + why + hint, e);
    }
    try {
      Migrations.migrate(ds);
    } catch (RuntimeException e) {
      ds.close();
      throw new StoreException("cannot migrate the store " + description + ": " + rootMessage(e), e);
    }
    LOG.info("store open: {}", description);
    return new Database(ds, description);
  }

  static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage();
  }

  public DataSource dataSource() {
    return pool;
  }

  /** Store latency as {@code gatehouse_store_seconds{op="query|update"}}. */
  public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    queries = io.micrometer.core.instrument.Timer.builder("gatehouse.store").tag("op", "query")
        .description("Store statements").publishPercentileHistogram().register(registry);
    updates = io.micrometer.core.instrument.Timer.builder("gatehouse.store").tag("op", "update")
        .description("Store statements").publishPercentileHistogram().register(registry);
  }

  void record(boolean update, long nanos) {
    io.micrometer.core.instrument.Timer t = update ? updates : queries;
    if (t != null) {
      t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  public String description() {
    return description;
  }

  /** True when a connection can be had and answers. */
  public boolean isHealthy() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
