package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code Main} starts logging on a thread of its own while picocli builds and parses the command
 * line on the main thread. Whatever asks SLF4J for a logger in that window gets a stand-in, and a
 * stand-in made just as SLF4J finishes starting is never connected: its lines are lost for the
 * life of the process (that is how {@code serve} once lost its "ready on" line, about one start in
 * 20 under load). So building and parsing the command line must not touch SLF4J at all; loggers
 * are made after {@link Main#awaitLogging()}. This checks it in a fresh JVM, where SLF4J has not
 * started: after the command line is built (with every subcommand, and with {@code serve} alone)
 * and {@code serve}'s arguments are parsed, SLF4J must still be uninitialised.
 */
class LoggingOrderTest {
  /** Run in a fresh JVM by the test: builds and parses, then prints SLF4J's initialisation state. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      Main.commandLine();
      Main.commandLine("serve").parseArgs("serve", "--port", "0", "--log-level", "WARN");
      java.lang.reflect.Field state = org.slf4j.LoggerFactory.class.getDeclaredField("INITIALIZATION_STATE");
      state.setAccessible(true);
      System.out.println("slf4j-state=" + state.getInt(null));
    }
  }

  @Test
  void buildingAndParsingTheCommandLine_asksNoLoggerBeforeLoggingIsUp() throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp, Probe.class.getName())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    // 0: UNINITIALIZED (slf4j-api 2.0's LoggerFactory); anything else means a logger was asked for
    assertThat(List.of(out.split("\\R"))).as(out).contains("slf4j-state=0");
  }
}
