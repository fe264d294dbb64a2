package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The domain imports neither the HTTP framework, nor JDBC, nor the CLI, nor the outer layers. */
class ArchitectureTest {
  static final List<String> DOMAIN = List.of("keys", "tokens", "apps", "accounts", "consumers", "discovery", "audit");
  static final List<String> FORBIDDEN = List.of("import io.vertx", "import java.sql", "import javax.sql", "import picocli",
      "import dev.gatehouse.http", "import dev.gatehouse.store", "import dev.gatehouse.cli", "import com.zaxxer", "import org.h2");

  @Test
  void domainPackages_dependOnNoFrameworkAndNoOuterLayer() throws IOException {
    Path root = Path.of("src/main/java/dev/gatehouse");
    int files = 0;
    for (String pkg : DOMAIN) {
      try (Stream<Path> s = Files.walk(root.resolve(pkg))) {
        for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
          files++;
          String src = Files.readString(f);
          for (String bad : FORBIDDEN) {
            assertThat(src).as(f + " must not " + bad).doesNotContain(bad);
          }
        }
      }
    }
    assertThat(files).isGreaterThan(20);
  }
}
