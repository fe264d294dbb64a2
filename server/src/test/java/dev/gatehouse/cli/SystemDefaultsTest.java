package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The system properties {@code main} sets before anything else loads: a default, never over the operator's. */
class SystemDefaultsTest {
  private static final String NETTY_JFR = "io.netty.jfr.enabled";
  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(NETTY_JFR);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(NETTY_JFR);
    } else {
      System.setProperty(NETTY_JFR, saved);
    }
  }

  @Test
  void nettysJfrEvents_areOffByDefault() {
    System.clearProperty(NETTY_JFR);
    Main.systemDefaults();
    assertThat(System.getProperty(NETTY_JFR)).isEqualTo("false");
  }

  @Test
  void anOperatorsSetting_stands() {
    System.setProperty(NETTY_JFR, "true");
    Main.systemDefaults();
    assertThat(System.getProperty(NETTY_JFR)).isEqualTo("true");
  }
}
