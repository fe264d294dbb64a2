package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The schema migrations against the real H2 file store. */
class MigrationsTest {
  @Test
  void migrate_appliesEachFileOnce_andRecordsIt() throws Exception {
    Path dir = Files.createTempDirectory("gatehouse-mig");
    try (Database db = Database.h2(dir)) {
      Migrations.migrate(db.dataSource()); // again: nothing to do
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT version, description FROM gatehouse_schema ORDER BY version")) {
        for (int v = 1; v <= Migrations.FILES.size(); v++) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(v);
          assertThat(rs.getString(2)).isEqualTo(Migrations.FILES.get(v - 1));
        }
        assertThat(rs.next()).isFalse();
        assertThat(Migrations.FILES).startsWith("V1__core.sql", "V2__secret_rotation.sql", "V3__audit.sql");
      }
    }
    try (Database db = Database.h2(dir)) { // reopening migrates nothing and fails nothing
      assertThat(db.ping()).isTrue();
    }
  }

  @Test
  void aFileChangedAfterItWasApplied_stopsTheStart() throws Exception {
    Path dir = Files.createTempDirectory("gatehouse-mig");
    try (Database db = Database.h2(dir); Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE gatehouse_schema SET checksum = 42 WHERE version = 1");
    }
    assertThatThrownBy(() -> Database.h2(dir)).isInstanceOf(StoreException.class)
        .hasMessageContaining("V1__core.sql changed after it was applied");
  }

  @Test
  void statements_areSplitAtSemicolonsEndingALine_andCommentsSkipped() {
    assertThat(Migrations.statements("-- a comment\nCREATE TABLE a (x INT);\n\nCREATE TABLE b (\n  y INT\n);\nCREATE INDEX i ON b (y)"))
        .containsExactly("CREATE TABLE a (x INT)", "CREATE TABLE b (\n  y INT\n)", "CREATE INDEX i ON b (y)");
  }
}
