package dev.parley.persistence;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code parley_events_relay_lag_seconds{database}}: how long ago the leading relay of a database last read its
 * outbox up to the head (a page shorter than a full one). A healthy relay reads the head every
 * {@code events.pollMs}, so the gauge stays near zero; it grows while the relay is behind or cannot publish
 * (Kafka down). 0 on nodes that do not lead that database's relay.
 *
 * <p>One value per database and JVM, whichever persistence instance leads: a gauge registers once per name and
 * tags, so it must not hang on one instance.
 */
final class RelayLag {

  private static final Map<String, AtomicLong> CAUGHT_UP_AT = new ConcurrentHashMap<>();
  private final AtomicLong caughtUpAt;

  RelayLag(MeterRegistry registry, String database) {
    caughtUpAt = CAUGHT_UP_AT.computeIfAbsent(database, name -> new AtomicLong());
    Gauge.builder("parley_events_relay_lag_seconds", caughtUpAt, RelayLag::secondsSince)
        .tag("database", database)
        .description("Seconds since this node's relay last read the outbox up to its head (0 when not leading)")
        .strongReference(true)
        .register(registry);
  }

  /** Leading (or still at the head): the lag counts from now. */
  void atHead() {
    caughtUpAt.set(System.currentTimeMillis());
  }

  void resigned() {
    caughtUpAt.set(0);
  }

  private static double secondsSince(AtomicLong at) {
    long since = at.get();
    return since == 0 ? 0 : Math.max(0, System.currentTimeMillis() - since) / 1000.0;
  }
}
