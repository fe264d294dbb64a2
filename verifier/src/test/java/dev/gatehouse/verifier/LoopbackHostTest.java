package dev.gatehouse.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoopbackHostTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "localhost, true", "LOCALHOST, true", "127.0.0.1, true", "127.255.255.254, true", "::1, true", "[::1], true",
      "0:0:0:0:0:0:0:1, true", "127.attacker.example, false", "127.0.0.1.attacker.example, false", "127.256.0.1, false",
      "128.0.0.1, false", "localhost.attacker.example, false", "0.0.0.0, false", "10.0.0.1, false", "'', false"})
  void namesThisMachine_onlyAsWritten(String host, boolean loopback) {
    assertThat(LoopbackHost.is(host)).isEqualTo(loopback);
  }
}
