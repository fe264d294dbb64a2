package dev.gatehouse.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlatJsonTest {
  @Test
  void readsStringsNumbersLiteralsAndSkipsNestedValues() {
    Map<String, Object> m = FlatJson.parse(" {\"a\":\"x\\\"y\\u00fc\\n\", \"n\":1795865927, \"d\":1.5e3, \"t\":true, \"z\":null, \"o\":{\"p\":[1,{\"q\":2}]}, \"e\":[]} ");
    assertThat(m.get("a")).isEqualTo("x\"yü\n");
    assertThat(m.get("n")).isEqualTo(1795865927L);
    assertThat(m.get("d")).isEqualTo(1500.0);
    assertThat(m.get("t")).isEqualTo(Boolean.TRUE);
    assertThat(m.get("z")).isSameAs(FlatJson.NULL);
    assertThat(m.get("o")).isSameAs(FlatJson.NESTED);
    assertThat(m.get("e")).isSameAs(FlatJson.NESTED);
    assertThat(FlatJson.parse("{}")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "\"s\"", "{", "{\"a\":1,}", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "{a:1}", "{\"a\":tru}",
      "{\"a\":\"\\q\"}", "{\"a\":\"\u0001\"}", "{\"a\":-}", "{\"a\":[1,2}", "{\"a\":\"\\u12\"}"})
  void refusesWhatIsNotOneStrictJsonObject(String text) {
    assertThatThrownBy(() -> FlatJson.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
