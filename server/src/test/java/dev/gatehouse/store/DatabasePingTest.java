package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** A ping's 2 s query timeout must not stay on the pooled connection (H2 sets it for the whole session). */
class DatabasePingTest {
  @Test
  void afterAPing_theConnectionsSessionHasNoQueryTimeout() throws Exception {
    try (Database db = Database.h2(Files.createTempDirectory("gatehouse-ping"))) {
      for (int i = 0; i < 8; i++) {
        assertThat(db.ping()).isTrue();
      }
      // the pool hands this thread the connection it used last first; check every idle one anyway
      java.util.List<Connection> held = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Connection c = db.dataSource().getConnection();
          held.add(c);
          try (var st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_TIMEOUT'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("connection %d's session query timeout", i).isEqualTo("0");
          }
        }
      } finally {
        for (Connection c : held) {
          c.close();
        }
      }
    }
  }
}
