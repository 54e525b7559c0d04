package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the chaos clients saw, second by second: counters that the clients' event loops add to, written as one
 * JSON line per second (wall-clock second, so that scripts/chaos can line it up with the faults it injected).
 */
final class Timeline {

  final LongAdder sent = new LongAdder();
  final LongAdder resent = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder disconnects = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder heartbeatTimeouts = new LongAdder();
  final LongAdder acksOver1s = new LongAdder();
  /** {@code gap} frames, {@code resumed} rooms with {@code recovered: false}, messages then read through REST. */
  final LongAdder gaps = new LongAdder();
  final LongAdder unrecovered = new LongAdder();
  final LongAdder reloaded = new LongAdder();
  private final AtomicLong ackMaxMicros = new AtomicLong();
  private final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
  private final Path file;
  private final JsonObject totals = new JsonObject();

  Timeline(Path file) {
    this.file = file;
  }

  void error(String code) {
    errors.increment();
    errorCodes.computeIfAbsent(code == null ? "none" : code, c -> new LongAdder()).increment();
  }

  /** An acknowledged send, its latency from the first attempt (re-sends included). */
  void ack(long micros) {
    acked.increment();
    if (micros > 1_000_000) {
      acksOver1s.increment();
    }
    ackMaxMicros.accumulateAndGet(micros, Math::max);
  }

  /** Writes the second that just ended and starts the next; the clients' gauges are read as they are. */
  void tick(List<ReliableClient> clients) {
    long now = System.nanoTime();
    int open = 0;
    long pending = 0;
    long oldest = 0;
    for (ReliableClient client : clients) {
      open += client.isOpen() ? 1 : 0;
      pending += client.pendingCount();
      oldest = Math.max(oldest, client.oldestPendingNanos(now));
    }
    JsonObject second = new JsonObject().put("t", System.currentTimeMillis() / 1000)
        .put("sent", take(sent, "sent")).put("resent", take(resent, "resent")).put("acked", take(acked, "acked"))
        .put("errors", take(errors, "errors")).put("disconnects", take(disconnects, "disconnects"))
        .put("reconnects", take(reconnects, "reconnects"))
        .put("connectFailures", take(connectFailures, "connectFailures"))
        .put("heartbeatTimeouts", take(heartbeatTimeouts, "heartbeatTimeouts"))
        .put("acksOver1s", take(acksOver1s, "acksOver1s"))
        .put("gaps", take(gaps, "gaps")).put("unrecovered", take(unrecovered, "unrecovered"))
        .put("reloaded", take(reloaded, "reloaded"))
        .put("ackMaxMs", ackMaxMicros.getAndSet(0) / 1000).put("open", open).put("pending", pending)
        .put("oldestPendingMs", oldest / 1_000_000);
    JsonObject codes = new JsonObject();
    errorCodes.forEach((code, count) -> {
      long n = count.sumThenReset();
      if (n > 0) {
        codes.put(code, n);
      }
    });
    second.put("errorCodes", codes);
    try {
      Files.writeString(file, second.encode() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  /** The run's totals so far (every second taken). */
  JsonObject totals() {
    return totals.copy();
  }

  private long take(LongAdder adder, String name) {
    long value = adder.sumThenReset();
    totals.put(name, totals.getLong(name, 0L) + value);
    return value;
  }
}
