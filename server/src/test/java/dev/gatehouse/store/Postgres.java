package dev.gatehouse.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL that tests use: {@code GATEHOUSE_TEST_PG} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). Each test gets a schema of its own, so runs
 * never see each other's rows. Where PostgreSQL is unreachable the tests are skipped with a message
 * on stderr, unless {@code GATEHOUSE_TEST_PG_REQUIRED=1} (set by {@code .ci/run}) makes that a failure.
 */
public final class Postgres {
  public static final String BASE = System.getenv().getOrDefault("GATEHOUSE_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

  private Postgres() {}

  /** A new empty schema; returns its JDBC URL (currentSchema set). Skips the test if PostgreSQL is unreachable. */
  public static Schema freshSchema() {
    String name = "gh_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + name);
    } catch (SQLException e) {
      String why = "PostgreSQL not reachable at " + BASE.replaceAll("(?i)password=[^&]*", "password=***") + " (" + e.getMessage() + ")";
      if ("1".equals(System.getenv("GATEHOUSE_TEST_PG_REQUIRED"))) {
        throw new AssertionError(why + " and GATEHOUSE_TEST_PG_REQUIRED=1", e);
      }
      System.err.println("SKIPPED: " + why);
      Assumptions.abort("SKIPPED: " + why);
    }
    return new Schema(name, BASE + (BASE.contains("?") ? "&" : "?") + "currentSchema=" + name);
  }

  /** A throw-away schema. */
  public record Schema(String name, String url) implements AutoCloseable {
    /** Runs SQL in this schema as the test's own client. */
    public void execute(String sql) throws SQLException {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute(sql);
      }
    }

    public long count(String sql) throws SQLException {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    @Override
    public void close() {
      try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      } catch (SQLException e) {
        System.err.println("could not drop test schema " + name + ": " + e.getMessage());
      }
    }
  }
}
