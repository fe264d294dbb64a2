package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MasterKeyTest {
  @Test
  void sealThenOpen_roundTrips_onlyInTheSameContext_andUnderTheSameKey() {
    MasterKey k = MasterKey.generate();
    String sealed = k.seal("secret".getBytes(StandardCharsets.UTF_8), "ctx-a");
    assertThat(new String(k.open(sealed, "ctx-a"), StandardCharsets.UTF_8)).isEqualTo("secret");
    assertThat(sealed).doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString("secret".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> k.open(sealed, "ctx-b")).isInstanceOf(SealedValueException.class).hasMessageContaining("wrong master key");
    assertThatThrownBy(() -> MasterKey.generate().open(sealed, "ctx-a")).isInstanceOf(SealedValueException.class);
    assertThatThrownBy(() -> k.open("!!", "ctx-a")).isInstanceOf(SealedValueException.class);
    assertThat(k.seal(new byte[] {1}, "c")).isNotEqualTo(k.seal(new byte[] {1}, "c")); // fresh nonce each time
  }

  @Test
  void parse_acceptsBothBase64Alphabets_andRefusesWrongLengths() {
    MasterKey k = MasterKey.generate();
    byte[] raw = Base64.getUrlDecoder().decode(k.encoded());
    assertThat(MasterKey.parse(Base64.getEncoder().encodeToString(raw))).isEqualTo(k);
    assertThat(MasterKey.parse(k.encoded())).isEqualTo(k);
    assertThatThrownBy(() -> MasterKey.parse(Base64.getEncoder().encodeToString(new byte[16]))).hasMessageContaining("32 bytes, got 16");
    assertThatThrownBy(() -> MasterKey.parse("not base64 at all!")).hasMessageContaining("not base64");
  }
}
