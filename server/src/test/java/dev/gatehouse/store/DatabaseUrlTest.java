package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A database URL is never shown with its password, in any of the forms a password takes. */
class DatabaseUrlTest {
  @Test
  void redact_hidesThePasswordInEveryForm() {
    assertThat(Database.redact("jdbc:postgresql://db:5432/gh?user=gh&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/gh?user=gh&password=***&ssl=true");
    assertThat(Database.redact("postgresql://gh:s3cret@db:5432/gh")).isEqualTo("postgresql://gh:***@db:5432/gh");
    assertThat(Database.redact("jdbc:postgresql://gh:s3cret@db/gh?PASSWORD=x;pwd=y")).doesNotContain("s3cret").doesNotContain("=x").doesNotContain("=y");
    assertThat(Database.redact("jdbc:postgresql://db/gh?user=gh")).isEqualTo("jdbc:postgresql://db/gh?user=gh");
  }

  @Test
  void anUnreachableDatabase_withCredentialsBeforeTheHost_isReportedWithoutThem() {
    assertThatThrownBy(() -> Database.connect("postgresql://gh:s3cret@127.0.0.1:1/gh?connectTimeout=1"))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }
}
