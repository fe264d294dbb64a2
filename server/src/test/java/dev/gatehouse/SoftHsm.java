package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.keys.Pkcs11Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * SoftHSM2 tokens for tests (Debian's softhsm2, installed by .ci/run): each {@link #newToken()} is
 * a fresh token with its own label and PIN in the directory SOFTHSM2_CONF names (set by the build
 * for the test JVM, under target/). Without softhsm2 the tests that need it are skipped with a
 * message, or fail when GATEHOUSE_TEST_SOFTHSM_REQUIRED=1.
 */
public final class SoftHsm {
  public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

  private SoftHsm() {}

  /** A token: its label, PIN (in {@code pinFile}) and the directory SoftHSM2 keeps its objects in. */
  public record Token(String label, String pin, Path pinFile, Path directory) {
    public Pkcs11Keys.Settings settings() {
      return new Pkcs11Keys.Settings(LIBRARY, label, pinFile, 2);
    }

    /** The token goes away: its objects vanish from under SoftHSM2, as when an HSM restarts or drops off the network. */
    public void takeAway() throws IOException {
      Files.move(directory, away());
    }

    public void bringBack() throws IOException {
      Files.move(away(), directory);
    }

    private Path away() {
      return directory.resolveSibling(directory.getFileName() + ".away");
    }
  }

  /** Skips the calling test (or fails it where softhsm2 is required) when SoftHSM2 is not here. */
  public static void assumeInstalled() {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (!Files.exists(LIBRARY) || conf == null) {
      String why = "SKIPPED: the PKCS#11 tests need Debian's softhsm2 (" + LIBRARY + ") and SOFTHSM2_CONF (set by the build)";
      if ("1".equals(System.getenv("GATEHOUSE_TEST_SOFTHSM_REQUIRED"))) {
        throw new AssertionError(why);
      }
      System.err.println(why);
      org.junit.jupiter.api.Assumptions.abort(why);
    }
  }

  /**
   * Tokens made ahead: SoftHSM2 reads its token directory when the library is initialised, so a
   * token made later is not seen by this JVM. The first call makes them all, before any test loads
   * the library here; each test takes fresh ones.
   */
  private static final java.util.ArrayDeque<Token> POOL = new java.util.ArrayDeque<>();
  private static boolean made;
  private static final int POOL_SIZE = 24;

  /** A token of its own, initialised with a fresh label and PIN. */
  public static synchronized Token newToken() throws Exception {
    assumeInstalled();
    if (!made) {
      made = true;
      for (int i = 0; i < POOL_SIZE; i++) {
        POOL.add(initToken());
      }
    }
    if (POOL.isEmpty()) {
      throw new IllegalStateException("all " + POOL_SIZE + " SoftHSM2 tokens made for this JVM are taken; raise SoftHsm.POOL_SIZE");
    }
    return POOL.poll();
  }

  /** A new token for a new process (which reads the token directory when it starts). */
  public static synchronized Token newTokenForAnotherProcess() throws Exception {
    assumeInstalled();
    return initToken();
  }

  private static Token initToken() throws Exception {
    Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
    Path tokens = conf.getParent().resolve("tokens");
    Files.createDirectories(tokens);
    if (!Files.exists(conf)) {
      Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    }
    Set<Path> before = dirs(tokens);
    String label = "gh-" + Long.toHexString(System.nanoTime());
    String pin = "pin-" + Long.toHexString(System.nanoTime());
    run("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", "so-" + pin);
    Set<Path> after = dirs(tokens);
    after.removeAll(before);
    assertThat(after).as("the new token's directory").hasSize(1);
    Path pinFile = Files.createTempFile("gatehouse-pin", ".txt");
    Files.writeString(pinFile, pin + "\n");
    return new Token(label, pin, pinFile, after.iterator().next());
  }

  private static Set<Path> dirs(Path tokens) throws IOException {
    try (Stream<Path> s = Files.list(tokens)) {
      return new HashSet<>(s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().endsWith(".away")).toList());
    }
  }

  public static String run(String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }
}
