package dev.gatehouse.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Where the pool gets its connections to the embedded H2 file: H2's own data source, and the
 * commit-chain check after each connection it opens.
 *
 * <p>Opening an H2 session runs the URL's {@code SET} commands, and H2 commits them as a chunk of
 * their own, written by whichever thread opens the connection: HikariCP's, when the pool grows
 * under load or replaces a connection (every 30 minutes), at any moment between the store's own
 * commits. Such a chunk can be out of recovery's reach like any other (see {@link
 * H2CommitChain}), so it is checked, as a commit is, before the connection is handed over.
 */
final class H2Connections implements DataSource {
  private final org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
  /** Set once the store is open (the first connections, before it, answer no one). */
  private volatile H2CommitChain chain;

  H2Connections(String url) {
    h2.setURL(url);
  }

  void checkWith(H2CommitChain chain) {
    this.chain = chain;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = h2.getConnection();
    H2CommitChain check = chain;
    if (check != null) {
      check.check();
    }
    return c;
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the embedded store takes no user name");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // H2 logs through SLF4J here
  }

  @Override
  public void setLoginTimeout(int seconds) {
    h2.setLoginTimeout(seconds);
  }

  /** H2's (the pool sets it from its connection timeout, and waits as long for its own threads at close). */
  @Override
  public int getLoginTimeout() {
    return h2.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper for " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
