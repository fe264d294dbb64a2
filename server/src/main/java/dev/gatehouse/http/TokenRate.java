package dev.gatehouse.http;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Tokens issued per minute, from the issuance counters: a sample every time it is asked (at most
 * one per 5 s is kept), the rate over the last minute of samples. For the console's status page.
 * Thread-safe.
 */
final class TokenRate {
  private record Sample(long atMillis, double count) {}

  private final Deque<Sample> samples = new ArrayDeque<>();

  synchronized String perMinute(MeterRegistry metrics) {
    double total = metrics.find("gatehouse.tokens.issued").counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    long now = System.currentTimeMillis();
    if (samples.isEmpty() || now - samples.peekLast().atMillis() >= 5000) {
      samples.addLast(new Sample(now, total));
    }
    while (samples.size() > 1 && now - samples.peekFirst().atMillis() > 65_000) {
      samples.removeFirst();
    }
    Sample first = samples.peekFirst();
    long span = now - first.atMillis();
    if (span < 5000) {
      return "not known yet (ask again in a few seconds)";
    }
    return Math.round((total - first.count()) * 60_000.0 / span) + " per minute (over the last " + span / 1000 + " s)";
  }
}
