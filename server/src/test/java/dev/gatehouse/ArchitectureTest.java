package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering, enforced on every name in the code (imports, static imports and fully qualified
 * names alike; comments and string literals are not code):
 *
 * <ul>
 *   <li>the domain (keys, tokens, apps, accounts, consumers, discovery, audit) names no framework
 *       (Vert.x, JDBC, picocli, the database drivers, the pool) and no outer layer;
 *   <li>the use cases (issuance, admin) name no framework either, and neither {@code http},
 *       {@code store} nor {@code cli};
 *   <li>{@code http} names neither {@code cli} nor {@code store}, but for {@code StoreException}, the
 *       store's one failure (the store cannot be reached), which it turns into a 503 in one place;
 *   <li>nothing below {@code http} names {@code http}; every package has a {@code package-info.java}.
 * </ul>
 */
class ArchitectureTest {
  static final Path ROOT = Path.of("src/main/java/dev/gatehouse");
  static final List<String> FRAMEWORKS = List.of("io.vertx", "java.sql", "javax.sql", "picocli", "org.postgresql", "com.zaxxer", "org.h2");
  static final Map<List<String>, List<String>> RULES = Map.of(
      List.of("keys", "tokens", "apps", "accounts", "consumers", "discovery", "audit"),
      concat(FRAMEWORKS, List.of("dev.gatehouse.http", "dev.gatehouse.store", "dev.gatehouse.cli", "dev.gatehouse.cluster",
          "dev.gatehouse.issuance", "dev.gatehouse.admin", "dev.gatehouse.Gatehouse")),
      List.of("issuance", "admin", "sandbox"),
      concat(FRAMEWORKS, List.of("dev.gatehouse.http", "dev.gatehouse.store", "dev.gatehouse.cli", "dev.gatehouse.Gatehouse")),
      List.of("store", "cluster", "config"),
      List.of("dev.gatehouse.http", "dev.gatehouse.cli", "dev.gatehouse.issuance", "dev.gatehouse.admin", "io.vertx", "picocli"));

  static List<String> concat(List<String> a, List<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  /** The source without comments, string and character literals: what the compiler resolves as names. */
  static String code(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (src.startsWith("//", i)) {
        i = src.indexOf('\n', i);
        if (i < 0) {
          break;
        }
      } else if (src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        i = end < 0 ? src.length() : end + 2;
      } else if (src.startsWith("\"\"\"", i)) {
        int end = src.indexOf("\"\"\"", i + 3);
        i = end < 0 ? src.length() : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < src.length() && src.charAt(j) != c) {
          j += src.charAt(j) == '\\' ? 2 : 1;
        }
        i = j + 1;
        out.append(c).append(c);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  @Test
  void eachLayer_namesOnlyWhatItMayDependOn_inImportsAndQualifiedNamesAlike() throws IOException {
    int files = 0;
    for (Map.Entry<List<String>, List<String>> rule : RULES.entrySet()) {
      for (String pkg : rule.getKey()) {
        try (Stream<Path> s = Files.walk(ROOT.resolve(pkg))) {
          for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
            files++;
            String code = code(Files.readString(f));
            for (String bad : rule.getValue()) {
              assertThat(code).as(f + " must not name " + bad).doesNotContain(bad + ".").doesNotContain(bad + ";");
            }
          }
        }
      }
    }
    assertThat(files).isGreaterThan(60);
  }

  @Test
  void http_namesNoCliAndNoStore_butTheStoresFailure() throws IOException {
    try (Stream<Path> s = Files.walk(ROOT.resolve("http"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        String code = code(Files.readString(f)).replace("dev.gatehouse.store.StoreException", "");
        assertThat(code).as(f + " must not name store").doesNotContain("dev.gatehouse.store.").doesNotContain("dev.gatehouse.store;");
        assertThat(code).as(f + " must not name cli").doesNotContain("dev.gatehouse.cli.");
      }
    }
  }

  @Test
  void theCodeReader_seesQualifiedNamesAndStaticImports_butNotCommentsOrStrings() {
    assertThat(code("import static io.vertx.core.Future.succeededFuture;")).contains("io.vertx.");
    assertThat(code("var x = new java.sql.Timestamp(0);")).contains("java.sql.");
    assertThat(code("// io.vertx.core\n/* java.sql.X */ String s = \"picocli.X\";")).doesNotContain("io.vertx").doesNotContain("java.sql")
        .doesNotContain("picocli");
  }

  @Test
  void everyPackage_hasAPackageInfo_sayingWhatItOwns() throws IOException {
    try (Stream<Path> dirs = Files.walk(ROOT)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        boolean hasJava;
        try (Stream<Path> f = Files.list(d)) {
          hasJava = f.anyMatch(p -> p.toString().endsWith(".java"));
        }
        if (hasJava) {
          assertThat(d.resolve("package-info.java")).as("package-info in " + d).exists();
        }
      }
    }
  }
}
