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
  private final String jdbcUrl;
  private final boolean postgres;
  /** The PostgreSQL schema the tables live in (cluster locks and change notices are scoped to it); null for H2. */
  private final String schema;
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.locks.ReentrantLock> localLocks =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile io.micrometer.core.instrument.Timer queries;
  private volatile io.micrometer.core.instrument.Timer updates;
  private volatile io.micrometer.core.instrument.DistributionSummary batches;
  /** The embedded H2 file's compaction; null on PostgreSQL. */
  private H2Housekeeping housekeeping;
  /** The embedded H2 file's check that a commit can be found after a crash; null on PostgreSQL. */
  private H2CommitChain chain;

  private Database(HikariDataSource pool, String description, String jdbcUrl, String schema) {
    this.pool = pool;
    this.description = description;
    this.jdbcUrl = jdbcUrl;
    this.postgres = jdbcUrl.startsWith("jdbc:postgresql:");
    this.schema = schema;
  }

  /** The embedded H2 database in {@code dataDir/gatehouse.mv.db}. */
  public static Database h2(Path dataDir) {
    // A small page cache (2 MB): the hot data lives in memory in the directories, not in H2, and
    // the consumer table's key index, which every new consumer inserts into at a random place, is
    // far larger than any cache the heap can spare. What the cache holds is read pages, each alive
    // for a second or so, long enough to be copied by every young collection and promoted; with
    // 8 MB, consumer-new's young pauses averaged 13 ms (7 with 2 MB) and the run to a million
    // consumers paused 19 s in all (11 with 2 MB); consumer-new's rate rose ~15% and its p99 fell
    // by ~10 ms, and after the millionth consumer the rate was the same (1 MB gained nothing more).
    // WRITE_DELAY=0: H2 otherwise writes committed transactions to the file up to half a second
    // later, and a kill -9 in between loses what a 2xx already acknowledged; with 0 the commit
    // writes its chunk before it returns. Admin writes are rare and consumer records come in
    // batches, so the cost is one file write per commit.
    // RETENTION_TIME and the housekeeping thread keep the file near the size of its live data:
    // see H2Housekeeping.
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("gatehouse") + ";DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=2048;WRITE_DELAY=0;QUERY_CACHE_SIZE=64"
        + ";RETENTION_TIME=" + H2Housekeeping.RETENTION_MILLIS;
    H2Connections connections = new H2Connections(url);
    Database db = open(url, connections, null, null, "H2 " + dataDir.toAbsolutePath().resolve("gatehouse.mv.db"), 4);
    org.h2.mvstore.MVStore store = H2Housekeeping.mvStore(db.pool);
    db.chain = H2CommitChain.of(store);
    connections.checkWith(db.chain);
    db.housekeeping = H2Housekeeping.start(store, db.chain);
    db.committed(); // what the migrations and the pool's first connections wrote
    return db;
  }

  /**
   * Opens a database given as a JDBC URL or as {@code postgresql://host:port/db?user=...}.
   *
   * @throws StoreException when it cannot be reached or migrated
   */
  public static Database connect(String url) {
    String jdbc = url.startsWith("jdbc:") ? url : "jdbc:" + (url.startsWith("postgres://") ? "postgresql://" + url.substring(11) : url);
    if (!jdbc.startsWith("jdbc:postgresql://") && !jdbc.startsWith("jdbc:h2:")) {
      String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')) : url;
      throw new IllegalArgumentException("--db must be postgresql://HOST:PORT/DB?user=... (or a jdbc:postgresql: or jdbc:h2: URL); '"
          + scheme.replaceAll("[^\\x20-\\x7E]", "?") + "' is not supported");
    }
    if (jdbc.startsWith("jdbc:postgresql://")) {
      jdbc = userInfoAsParameters(jdbc);
    }
    if (jdbc.startsWith("jdbc:postgresql:")) {
      // fail rather than hang when the database host stops answering: admin calls then get a 503
      // within seconds and the token endpoints, which never wait on the store, are not affected
      jdbc = withDefault(jdbc, "connectTimeout", "5");
      jdbc = withDefault(jdbc, "socketTimeout", "30");
      jdbc = withDefault(jdbc, "ApplicationName", "gatehouse");
    }
    return open(jdbc, null, null, null, redact(jdbc), 8);
  }

  /**
   * A database URL as it may be shown: the password in every form it can take ({@code
   * password=...} in the query or properties, {@code user:password@} before the host) replaced by
   * {@code ***}.
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(?i)(password|pass|pwd)=[^&;]*", "$1=***")
        .replaceAll("(//[^/@:?#]*):[^/@?#]*@", "$1:***@")
        .replaceAll("(^|[\\s(\"'])([^\\s/@:?#\"']+):[^\\s/@?#\"']+@", "$1$2:***@");
  }

  /**
   * {@code jdbc:postgresql://user:pass@host/db} as the driver takes it, {@code
   * jdbc:postgresql://host/db?user=user&password=pass} (the driver reads no user info before the host).
   */
  static String userInfoAsParameters(String jdbc) {
    String prefix = "jdbc:postgresql://";
    int hostEnd = jdbc.indexOf('/', prefix.length());
    String authority = jdbc.substring(prefix.length(), hostEnd < 0 ? jdbc.length() : hostEnd);
    int at = authority.lastIndexOf('@');
    if (at < 0) {
      return jdbc;
    }
    String info = authority.substring(0, at);
    String rest = prefix + authority.substring(at + 1) + (hostEnd < 0 ? "" : jdbc.substring(hostEnd));
    int colon = info.indexOf(':');
    String user = colon < 0 ? info : info.substring(0, colon);
    rest = withDefault(rest, "user", user);
    if (colon >= 0) {
      rest = withDefault(rest, "password", info.substring(colon + 1));
    }
    return rest;
  }

  private static String withDefault(String url, String param, String value) {
    if (url.matches("(?i).*[?&]" + param + "=.*")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + param + "=" + value;
  }

  /** @param source where the pool opens its connections, or null for {@code url}'s driver */
  private static Database open(String url, DataSource source, String user, String password, String description, int poolSize) {
    HikariConfig c = new HikariConfig();
    if (source != null) {
      c.setDataSource(source);
    } else {
      c.setJdbcUrl(url);
    }
    if (user != null) {
      c.setUsername(user);
      c.setPassword(password);
    }
    c.setMaximumPoolSize(poolSize);
    c.setMinimumIdle(1);
    c.setPoolName("gatehouse-store");
    c.setConnectionTimeout(3_000);
    c.setInitializationFailTimeout(5_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(c);
    } catch (RuntimeException e) {
      String why = rootMessage(e);
      String hint = why != null && why.contains("locked") ? " (is another gatehouse using this data folder?)" : "";
      throw new StoreException("cannot open the store " + description + ": " + redact(why) + hint, e);
    }
    try {
      Migrations.migrate(ds);
    } catch (RuntimeException e) {
      ds.close();
      throw new StoreException("cannot migrate the store " + description + ": " + redact(rootMessage(e)), e);
    }
    String schema = null;
    if (url.startsWith("jdbc:postgresql:")) {
      try (Connection conn = ds.getConnection(); var st = conn.createStatement(); var rs = st.executeQuery("SELECT current_schema()")) {
        rs.next();
        schema = rs.getString(1);
      } catch (SQLException e) {
        ds.close();
        throw new StoreException("cannot open the store " + description + ": " + e.getMessage(), e);
      }
    }
    LOG.info("store open: {}", description);
    return new Database(ds, description, url, schema);
  }

  static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage();
  }

  public boolean isPostgres() {
    return postgres;
  }

  /** The JDBC URL (may hold a password: never log it; {@link #description()} is the loggable form). */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The PostgreSQL schema holding the tables; null on H2. */
  public String schema() {
    return schema;
  }

  /**
   * Runs {@code work} while holding the lock {@code name}, which on PostgreSQL is held across every
   * node on this schema (a session advisory lock on a connection of its own: a node that dies
   * releases it with its connection) and on H2, which one process owns, within this process.
   *
   * @param wait true to wait for the lock; false to return at once if another holder has it
   * @return whether the work ran
   * @throws StoreException when the store cannot be reached
   */
  public boolean withLock(String name, boolean wait, Runnable work) {
    if (!postgres) {
      java.util.concurrent.locks.ReentrantLock lock = localLocks.computeIfAbsent(name, n -> new java.util.concurrent.locks.ReentrantLock());
      if (wait) {
        lock.lock();
      } else if (!lock.tryLock()) {
        return false;
      }
      try {
        work.run();
        return true;
      } finally {
        lock.unlock();
      }
    }
    try (Connection c = pool.getConnection()) {
      if (!advisoryLock(c, name, wait)) {
        return false;
      }
      try {
        work.run();
        return true;
      } finally {
        try {
          advisoryUnlock(c, name);
        } catch (SQLException e) {
          // the connection is gone, and the lock with it
          LOG.debug("releasing lock {}: {}", name, e.getMessage());
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot take the lock " + name + ": " + e.getMessage(), e);
    }
  }

  /** {@link #withLock} waiting for the lock, for work that returns a value. */
  public <T> T underLock(String name, java.util.function.Supplier<T> work) {
    java.util.concurrent.atomic.AtomicReference<T> out = new java.util.concurrent.atomic.AtomicReference<>();
    withLock(name, true, () -> out.set(work.get()));
    return out.get();
  }

  /**
   * Takes the PostgreSQL session advisory lock {@code name}, scoped to the current schema, on
   * {@code c}; it is held until {@link #advisoryUnlock} or until the connection ends.
   *
   * @return false if {@code wait} is false and another session holds it
   */
  static boolean advisoryLock(Connection c, String name, boolean wait) throws SQLException {
    try (var ps = c.prepareStatement("SELECT " + (wait ? "pg_advisory_lock" : "pg_try_advisory_lock") + "(hashtext(current_schema()), hashtext(?))")) {
      ps.setString(1, name);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return wait || rs.getBoolean(1);
      }
    }
  }

  static void advisoryUnlock(Connection c, String name) throws SQLException {
    try (var ps = c.prepareStatement("SELECT pg_advisory_unlock(hashtext(current_schema()), hashtext(?))")) {
      ps.setString(1, name);
      ps.execute();
    }
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
    batches = io.micrometer.core.instrument.DistributionSummary.builder("gatehouse.store.batch.changes")
        .description("Changes written together in one group commit (the sandbox's conversation changes)").register(registry);
    if (housekeeping != null) {
      housekeeping.bindMetrics(registry);
    }
    if (chain != null) {
      io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.store.header.rewrites", chain, H2CommitChain::repairs)
          .description("H2 file headers written again after a commit so that a crash cannot lose it (see H2CommitChain)").register(registry);
    }
  }

  /** The embedded H2 file's housekeeping; null on PostgreSQL (or when it could not start). */
  H2Housekeeping housekeeping() {
    return housekeeping;
  }

  /**
   * Every write path calls this after its commit and before it answers its caller: on H2 it makes
   * sure the commit will be found when the file is opened after a kill -9 ({@link H2CommitChain});
   * on PostgreSQL a commit is durable when it returns, and this does nothing.
   */
  void committed() {
    H2CommitChain c = chain;
    if (c != null) {
      c.check();
    }
  }

  /** The embedded H2 file's commit-chain check; null on PostgreSQL (or when this H2 lacks what it needs). */
  H2CommitChain commitChain() {
    return chain;
  }

  /** A group commit wrote this many changes in one transaction. */
  void recordBatch(int changes) {
    io.micrometer.core.instrument.DistributionSummary b = batches;
    if (b != null) {
      b.record(changes);
    }
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

  /**
   * Whether a connection can be had and answers {@code SELECT 1} (within the pool's 3 s and a 2 s query timeout).
   * H2 applies a statement's query timeout to its whole session, so the timeout is taken off again
   * before the connection goes back to the pool: left on, every later query and write on that
   * connection (the webhook queue, the registry's batches) was cancelled after 2 s.
   */
  public boolean ping() {
    try (Connection c = pool.getConnection(); var st = c.createStatement()) {
      st.setQueryTimeout(2);
      try {
        st.execute("SELECT 1");
      } finally {
        st.setQueryTimeout(0);
      }
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (housekeeping != null) {
      housekeeping.close();
    }
    pool.close();
  }
}
