package dev.parley.socket;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Real-time meters: open sessions, frames delivered and received, closes for slow consumers. */
final class SocketMetrics {

  /** One count per JVM, shared by the node's socket verticle instances (a gauge registers once). */
  private static final AtomicInteger OPEN = new AtomicInteger();
  private final Counter delivered;
  private final Counter received;
  private final Counter slowConsumers;

  SocketMetrics(MeterRegistry registry) {
    registry.gauge("parley_socket_sessions", OPEN);
    delivered = Counter.builder("parley_socket_frames_out_total").description("Frames written to sockets")
        .register(registry);
    received = Counter.builder("parley_socket_frames_in_total").description("Frames received from sockets")
        .register(registry);
    slowConsumers = Counter.builder("parley_socket_slow_consumer_closes_total")
        .description("Sockets closed with 4409 because their outbound buffer overflowed").register(registry);
  }

  void opened() {
    OPEN.incrementAndGet();
  }

  void closed() {
    OPEN.decrementAndGet();
  }

  void delivered() {
    delivered.increment();
  }

  void received() {
    received.increment();
  }

  void slowConsumer() {
    slowConsumers.increment();
  }
}
