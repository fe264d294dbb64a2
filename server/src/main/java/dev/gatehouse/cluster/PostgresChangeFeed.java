package dev.gatehouse.cluster;

import dev.gatehouse.store.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change notices through PostgreSQL {@code LISTEN/NOTIFY} on the channel {@value #CHANNEL}. The
 * payload is {@code schema:node:TOPIC}: nodes on another schema of the same database ignore it,
 * and a node ignores its own notices (it applied the change already).
 *
 * <p>One thread holds a connection of its own (outside the pool) that LISTENs, waits for notices
 * half a second at a time, and checks the connection every few seconds; when the connection
 * breaks it connects again, backing off up to 5 s, and calls {@code onReconnected} once it is
 * back, because notices sent in between are lost.
 */
public final class PostgresChangeFeed implements ChangeFeed {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeFeed.class);
  static final String CHANNEL = "gatehouse";

  private final Database db;
  private final String prefix;
  private final String self;
  private final Consumer<Set<Topic>> onNotice;
  private final Runnable onReconnected;
  private final Thread listener;
  private volatile boolean closed;
  private volatile Connection listening;

  public PostgresChangeFeed(Database db, Consumer<Set<Topic>> onNotice, Runnable onReconnected) {
    if (!db.isPostgres()) {
      throw new IllegalArgumentException("LISTEN/NOTIFY needs PostgreSQL");
    }
    this.db = db;
    this.self = UUID.randomUUID().toString().substring(0, 8);
    this.prefix = db.schema() + ":";
    this.onNotice = onNotice;
    this.onReconnected = onReconnected;
    this.listener = new Thread(this::listen, "gatehouse-change-listener");
    this.listener.setDaemon(true);
    this.listener.start();
  }

  @Override
  public void publish(Topic topic) {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, CHANNEL);
      ps.setString(2, prefix + self + ":" + topic.name());
      ps.execute();
    } catch (SQLException e) {
      LOG.warn("could not announce a {} change to the other nodes ({}); they will see it at their next re-read", topic, e.getMessage());
    }
  }

  private void listen() {
    long backoffMs = 200;
    boolean first = true;
    while (!closed) {
      try (Connection c = DriverManager.getConnection(db.jdbcUrl())) {
        listening = c;
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
        }
        if (!first) {
          LOG.info("change notices: listening again");
          onReconnected.run();
        }
        first = false;
        backoffMs = 200;
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastCheck = System.nanoTime();
        while (!closed) {
          PGNotification[] notices = pg.getNotifications(500);
          if (notices != null && notices.length > 0) {
            Set<Topic> topics = EnumSet.noneOf(Topic.class);
            for (PGNotification n : notices) {
              Topic t = parse(n.getParameter());
              if (t != null) {
                topics.add(t);
              }
            }
            if (!topics.isEmpty()) {
              onNotice.accept(topics);
            }
          }
          if (System.nanoTime() - lastCheck > 5_000_000_000L) { // a silent network drop shows here
            try (Statement st = c.createStatement()) {
              st.setQueryTimeout(5);
              st.execute("SELECT 1");
            }
            lastCheck = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("change notices: connection lost ({}); reconnecting in {} ms", e.getMessage(), backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMs = Math.min(backoffMs * 2, 5_000);
      } finally {
        listening = null;
      }
    }
  }

  /** The topic of a notice meant for this node, or null. */
  Topic parse(String payload) {
    if (payload == null || !payload.startsWith(prefix)) {
      return null;
    }
    String rest = payload.substring(prefix.length());
    int colon = rest.indexOf(':');
    if (colon < 0 || rest.substring(0, colon).equals(self)) {
      return null;
    }
    try {
      return Topic.valueOf(rest.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      return null; // a newer node's topic: the periodic re-read covers it
    }
  }

  @Override
  public void close() {
    closed = true;
    listener.interrupt();
    Connection c = listening;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    try {
      listener.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
