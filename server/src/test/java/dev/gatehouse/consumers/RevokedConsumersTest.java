package dev.gatehouse.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RevokedConsumersTest {
  private static List<String> lps(int n, long seed) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(String.format("%016x%016x%016x%016x", random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()));
    }
    return out;
  }

  @Test
  void addContainsRemove_perAccount() {
    RevokedConsumers r = new RevokedConsumers();
    String a = "a".repeat(64);
    assertThat(r.contains("1001", a)).isFalse();
    assertThat(r.add("1001", a)).isTrue();
    assertThat(r.add("1001", a)).as("twice is once").isFalse();
    assertThat(r.contains("1001", a)).isTrue();
    assertThat(r.contains("1002", a)).as("the same lp id on another account").isFalse();
    assertThat(r.size()).isEqualTo(1);
    assertThat(r.remove("1002", a)).isFalse();
    assertThat(r.remove("1001", a)).isTrue();
    assertThat(r.remove("1001", a)).isFalse();
    assertThat(r.contains("1001", a)).isFalse();
    assertThat(r.size()).isZero();
  }

  @Test
  void aTextThatIsNotAnLpId_isNeverRevoked_noTokenCanCarryOne() {
    RevokedConsumers r = new RevokedConsumers();
    for (String bad : new String[] {"", "not-an-lp", "A".repeat(64), "a".repeat(63), "a".repeat(65)}) {
      assertThat(r.add("1001", bad)).as(bad).isFalse();
      assertThat(r.contains("1001", bad)).as(bad).isFalse();
      assertThat(r.remove("1001", bad)).as(bad).isFalse();
    }
    assertThat(r.size()).isZero();
  }

  @Test
  void aHundredThousand_growAndShrink_withoutLosingOne_inAtMost32BytesEach() {
    RevokedConsumers r = new RevokedConsumers();
    List<String> in = lps(100_000, 1);
    List<String> out = lps(100_000, 2);
    for (String lp : in) {
      assertThat(r.add("1001", lp)).isTrue();
    }
    assertThat(r.size()).isEqualTo(100_000);
    assertThat(r.bytes()).isLessThanOrEqualTo(32L * 100_000);
    assertThat(in).allMatch(lp -> r.contains("1001", lp));
    assertThat(out).noneMatch(lp -> r.contains("1001", lp));
    assertThat(in.subList(0, 1000)).noneMatch(lp -> r.contains("1002", lp));
    // remove every other one, then add others: the removed stay out, the rest stay in, and the
    // markers removals leave do not fill the table (adds go on past many rebuilds)
    for (int i = 0; i < in.size(); i += 2) {
      assertThat(r.remove("1001", in.get(i))).isTrue();
    }
    for (int round = 0; round < 5; round++) {
      for (String lp : out) {
        r.add("1001", lp);
      }
      for (String lp : out) {
        r.remove("1001", lp);
      }
    }
    assertThat(r.size()).isEqualTo(50_000);
    for (int i = 0; i < in.size(); i++) {
      assertThat(r.contains("1001", in.get(i))).isEqualTo(i % 2 == 1);
    }
    assertThat(r.bytes()).isLessThanOrEqualTo(32L * 100_000);
  }

  @Test
  void aLookUpBesideChanges_neverMissesOneThatStaysRevoked() throws Exception {
    RevokedConsumers r = new RevokedConsumers();
    List<String> stay = lps(2_000, 3);
    List<String> churn = lps(50_000, 4);
    stay.forEach(lp -> r.add("1001", lp));
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> missed = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      while (!done.get() && missed.get() == null) {
        for (String lp : stay) {
          if (!r.contains("1001", lp)) {
            missed.set(lp);
          }
        }
      }
    });
    reader.start();
    for (int round = 0; round < 4; round++) { // grows through several rebuilds, and leaves markers
      churn.forEach(lp -> r.add("1001", lp));
      churn.forEach(lp -> r.remove("1001", lp));
    }
    done.set(true);
    reader.join();
    assertThat(missed.get()).isNull();
    assertThat(r.size()).isEqualTo(stay.size());
  }
}
