package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormParamsTest {
  @Test
  void decodesEscapesAndPlus_keepsBrokenEscapesAsTheyAre() {
    var p = FormParams.parse("a=1%202&b=x+y&c=100%&d=%zz&e&f=%C3%BC&a=3");
    assertThat(p.get("a")).isEqualTo(List.of("1 2", "3"));
    assertThat(p.get("b")).isEqualTo(List.of("x y"));
    assertThat(p.get("c")).isEqualTo(List.of("100%"));
    assertThat(p.get("d")).isEqualTo(List.of("%zz"));
    assertThat(p.get("e")).isEqualTo(List.of(""));
    assertThat(p.get("f")).isEqualTo(List.of("ü"));
    assertThat(FormParams.parse(null)).isEmpty();
    assertThat(FormParams.parse("&&")).isEmpty();
  }
}
