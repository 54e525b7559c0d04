package dev.parley.loadgen;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What a run counts and measures; shared by every event loop of the generator. */
final class Stats {

  final LongAdder connected = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder disconnects = new LongAdder();
  final LongAdder sent = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder sendErrors = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder outOfOrder = new LongAdder();
  final LongAdder resumed = new LongAdder();
  /** Reconnect attempts of a storm that failed and were tried again after a backoff. */
  final LongAdder reconnectRetries = new LongAdder();
  /** Microseconds. */
  final Histogram ackLatency = new ConcurrentHistogram(3_600_000_000L, 3);
  final Histogram deliveryLatency = new ConcurrentHistogram(3_600_000_000L, 3);
  final Histogram connectLatency = new ConcurrentHistogram(3_600_000_000L, 3);
  /** Storm: from the drop to the {@code resumed} answer, backoff and jitter included. */
  final Histogram resumeLatency = new ConcurrentHistogram(3_600_000_000L, 3);

  static String percentiles(Histogram histogram) {
    if (histogram.getTotalCount() == 0) {
      return "n/a";
    }
    return String.format("p50 %.1f p95 %.1f p99 %.1f max %.1f ms",
        histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(95) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0);
  }
}
