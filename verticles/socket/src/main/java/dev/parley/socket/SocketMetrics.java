package dev.parley.socket;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Real-time meters: open sessions, frames delivered and received, closes for slow consumers. */
final class SocketMetrics {

  /** One count per JVM, shared by the node's socket verticle instances (a gauge registers once). */
  private static final AtomicInteger OPEN = new AtomicInteger();
  private final Counter delivered;
  private final Counter received;
  private final Counter slowConsumers;
  private final Timer deliveryLatency;
  /** Frames written since the last report: event-loop confined (one SocketMetrics per verticle instance). */
  private long unreported;

  SocketMetrics(MeterRegistry registry) {
    registry.gauge("parley_socket_sessions", OPEN);
    delivered = Counter.builder("parley_socket_frames_out_total").description("Frames written to sockets")
        .register(registry);
    received = Counter.builder("parley_socket_frames_in_total").description("Frames received from sockets")
        .register(registry);
    slowConsumers = Counter.builder("parley_socket_slow_consumer_closes_total")
        .description("Sockets closed with 4409 because their outbound buffer overflowed").register(registry);
    deliveryLatency = Timer.builder("parley_delivery_latency")
        .description("From a message's commit (its ts) to its fan-out on this node's sockets")
        .publishPercentiles(0.5, 0.95, 0.99)
        .publishPercentileHistogram()
        .minimumExpectedValue(java.time.Duration.ofMillis(1))
        .maximumExpectedValue(java.time.Duration.ofSeconds(10))
        .register(registry);
  }

  void opened() {
    OPEN.incrementAndGet();
  }

  void closed() {
    OPEN.decrementAndGet();
  }

  /** Counts a frame written; the meter is updated by {@link #reportDelivered()}, not once per socket. */
  void delivered() {
    unreported++;
  }

  /** Adds the frames written since the last call to the meter: after each event's fan-out, and every second. */
  void reportDelivered() {
    if (unreported > 0) {
      delivered.increment(unreported);
      unreported = 0;
    }
  }

  void received() {
    received.increment();
  }

  /** Commit-to-delivery time of a message event, from the {@code ts} in its frame (once per event). */
  void deliveryLatency(String frame) {
    int at = frame.indexOf("\"ts\":");
    if (at < 0) {
      return;
    }
    int end = at + 5;
    while (end < frame.length() && Character.isDigit(frame.charAt(end))) {
      end++;
    }
    try {
      long ts = Long.parseLong(frame.substring(at + 5, end));
      deliveryLatency.record(Math.max(0, System.currentTimeMillis() - ts), TimeUnit.MILLISECONDS);
    } catch (NumberFormatException notANumber) {
      // not a message frame
    }
  }

  void slowConsumer() {
    slowConsumers.increment();
  }
}
